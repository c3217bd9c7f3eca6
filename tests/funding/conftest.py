from datetime import date

import pytest

from agreements.models import Agreement, AgreementParty, Party, Role
from tests.factories import make_user


@pytest.fixture
def vb(demo):
    """The Västerbotten demo agreement."""
    return Agreement.objects.get(parties__party__name="Region Västerbotten")


@pytest.fixture
def skane(demo):
    return Agreement.objects.get(parties__party__name="Region Skåne", period_start=date(2021, 1, 1))


@pytest.fixture
def users(demo):
    """alice: administrator in the region; bob: coordinator in SRK (a party);
    carol: secretary in the region; olle: administrator of an outside organisation."""
    region = Party.objects.get(name="Region Västerbotten")
    srk = Party.objects.get(name="Svenska Röda Korset")
    malmo = Party.objects.get(name="Malmö stad")
    assert not AgreementParty.objects.filter(party=malmo, agreement__title__startswith="Beh")
    return {
        "alice": make_user("alice", party=region, role=Role.ADMINISTRATOR, email="a@example.se"),
        "bob": make_user("bob", party=srk, role=Role.COORDINATOR, email="b@example.se"),
        "carol": make_user("carol", party=region, role=Role.SECRETARY, email="c@example.se"),
        "olle": make_user("olle", party=malmo, role=Role.ADMINISTRATOR, email="o@example.se"),
    }
