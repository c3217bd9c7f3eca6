"""A case number (diarienummer) belongs to the organisation that registers it: the agreements
of one case share it, a number already on another of the organisation's own agreements is a
warning the user may confirm, and another organisation's use of a number is never told."""

import pytest
from django.urls import reverse

from agreements.models import Agreement
from tests.factories import make_agreement, make_world
from tests.forms_html import fresh_token

pytestmark = pytest.mark.django_db

NUMBER = "RS 2026/1"
WARNING = (
    "Diarienumret finns redan på en annan överenskommelse i din organisation. Kryssa i rutan "
    "om de hör till samma ärende, eller ändra numret."
)


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_world()


def new_agreement(world, **overrides):
    data = {
        "title": "Ny överenskommelse",
        "case_number": NUMBER,
        "period_start": "2026-01-01",
        "period_end": "2028-12-31",
        "parter-TOTAL_FORMS": "2",
        "parter-INITIAL_FORMS": "0",
        "parter-MIN_NUM_FORMS": "0",
        "parter-MAX_NUM_FORMS": "1000",
        "parter-0-party": world.a.pk,
        "parter-0-role": "public",
        "parter-1-party": world.b.pk,
        "parter-1-role": "nonprofit",
    }
    return data | fresh_token() | overrides


def edit_post(agreement, **overrides):
    data = {
        "title": agreement.title,
        "case_number": agreement.case_number,
        "period_start": agreement.period_start.isoformat(),
        "period_end": agreement.period_end.isoformat(),
        "version": agreement.version,
        "parter-TOTAL_FORMS": "0",
        "parter-INITIAL_FORMS": "0",
        "parter-MIN_NUM_FORMS": "0",
        "parter-MAX_NUM_FORMS": "1000",
    }
    for i, ap in enumerate(agreement.parties.all()):
        data |= {
            f"parter-{i}-id": ap.pk,
            f"parter-{i}-agreement": agreement.pk,
            f"parter-{i}-party": ap.party_id,
            f"parter-{i}-role": ap.role,
        }
        data["parter-TOTAL_FORMS"] = data["parter-INITIAL_FORMS"] = str(i + 1)
    return data | overrides


def test_an_own_agreements_case_number_is_a_warning_the_user_may_confirm(client, world):
    own = world.own["agreement"]
    Agreement.objects.filter(pk=own.pk).update(case_number=NUMBER)
    client.force_login(world.users["admin"])
    response = client.post(reverse("agreements:create"), new_agreement(world))
    assert response.status_code == 200
    assert response.context["form"].errors["case_number"] == [WARNING]
    page = response.content.decode()
    assert f'href="{own.get_absolute_url()}"' in page
    assert 'name="same_case"' in page
    assert not Agreement.objects.filter(title="Ny överenskommelse").exists()

    response = client.post(reverse("agreements:create"), new_agreement(world, same_case="on"))
    assert response.status_code == 302
    assert Agreement.objects.filter(case_number=NUMBER).count() == 2


def test_the_warning_ignores_letter_case(client, world):
    Agreement.objects.filter(pk=world.own["agreement"].pk).update(case_number=NUMBER)
    client.force_login(world.users["admin"])
    response = client.post(
        reverse("agreements:create"), new_agreement(world, case_number="rs 2026/1")
    )
    assert response.context["form"].errors["case_number"] == [WARNING]


def test_another_organisations_case_number_gives_no_hint(client, world):
    Agreement.objects.filter(pk=world.other["agreement"].pk).update(case_number=NUMBER)
    client.force_login(world.users["admin"])
    response = client.post(reverse("agreements:create"), new_agreement(world))
    assert response.status_code == 302
    created = Agreement.objects.get(title="Ny överenskommelse")
    assert created.case_number == NUMBER
    # Nor when an own agreement is given the number of another organisation's agreement.
    Agreement.objects.filter(pk=world.other["agreement"].pk).update(case_number="KS 2026/9")
    own = world.own["agreement"]
    response = client.post(
        reverse("agreements:edit", args=[own.pk]), edit_post(own, case_number="KS 2026/9")
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.case_number == "KS 2026/9"


def test_an_unchanged_shared_case_number_is_not_asked_again(client, world):
    own = world.own["agreement"]
    Agreement.objects.filter(pk=own.pk).update(case_number=NUMBER)
    make_agreement(world.a, world.b, title="Samma ärende", case_number=NUMBER)
    own.refresh_from_db()
    client.force_login(world.users["admin"])
    response = client.post(
        reverse("agreements:edit", args=[own.pk]), edit_post(own, title="Nytt namn")
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == "Nytt namn" and own.case_number == NUMBER
