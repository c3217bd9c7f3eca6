"""The agreement page lists every obligation as entered on the obligations page."""

import pytest

from agreements.models import Obligation, ObligationKind
from tests.factories import make_agreement, make_member, make_party

pytestmark = pytest.mark.django_db


def test_recipient_described_in_words_is_shown(client):
    """An annual report to "utsedd kontaktperson" names no recipient organisation: the
    page shows the words (the filter argument o.recipient.name used to raise on None)."""
    town = make_party("Kommunen")
    nonprofit = make_party("Föreningen")
    agreement = make_agreement(town, nonprofit)
    Obligation.objects.create(
        agreement=agreement,
        kind=ObligationKind.ANNUAL_REPORT,
        responsible=nonprofit,
        recipient_description="utsedd kontaktperson i kommunen",
        due_before_month=3,
        due_before_day=1,
    )
    Obligation.objects.create(
        agreement=agreement,
        kind=ObligationKind.TERTIAL_REPORT,
        responsible=nonprofit,
        recipient=town,
    )
    client.force_login(make_member("admin", town, "administrator"))
    response = client.get(agreement.get_absolute_url())
    assert response.status_code == 200
    assert "till utsedd kontaktperson i kommunen" in response.text
    assert "till Kommunen" in response.text
