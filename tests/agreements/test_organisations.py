"""Organisations are not listed across tenants: an administrator picks an agreement's parties
among the organisations the user sees, and adds any other by its exact organisationsnummer."""

import pytest
from django.test import Client
from django.urls import reverse

from agreements.models import Agreement
from tests.factories import make_world, org_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_world()


def as_user(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


# --- Adding an existing organisation to an agreement ---------------------------------------


def new_agreement(world, **parties):
    data = {
        "title": "Med ny part",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "parter-TOTAL_FORMS": "2",
        "parter-INITIAL_FORMS": "0",
        "parter-MIN_NUM_FORMS": "0",
        "parter-MAX_NUM_FORMS": "1000",
        "parter-0-party": world.a.pk,
        "parter-0-role": "public",
        "parter-1-role": "nonprofit",
    }
    return data | {f"parter-1-{name}": value for name, value in parties.items()}


def test_other_tenants_organisations_are_not_listed_but_found_by_exact_number(world):
    region = as_user(world, "admin")
    page = region.get(reverse("agreements:create")).content.decode()
    assert "Förening B" in page
    for stranger in ("Kommun C", "Förening D", "Förening E"):
        assert stranger not in page
    # Posting another tenant's organisation by its id is an invalid choice ...
    response = region.post(reverse("agreements:create"), new_agreement(world, party=world.d.pk))
    assert response.status_code == 200
    assert not Agreement.objects.filter(title="Med ny part").exists()
    # ... a number no organisation has is refused ...
    response = region.post(
        reverse("agreements:create"), new_agreement(world, org_number=org_number())
    )
    assert response.status_code == 200
    assert response.context["parties"].forms[1].errors["org_number"] == [
        "Ingen organisation har det organisationsnumret. Kontrollera numret, eller registrera "
        "organisationen under Organisationer."
    ]
    # ... and its exact organisationsnummer adds it.
    response = region.post(
        reverse("agreements:create"), new_agreement(world, org_number=world.d.org_number)
    )
    assert response.status_code == 302
    added = Agreement.objects.get(title="Med ny part")
    assert {ap.party for ap in added.parties.all()} == {world.a, world.d}
