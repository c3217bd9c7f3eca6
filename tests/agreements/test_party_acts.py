"""Acts on an agreement the parties share are recorded as the acting party's: notice given by
one party ends the agreement for all, says who gave it, and rewrites nobody's commitments."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse

from agreements.models import AgreementStatus, Membership
from funding.models import Payment, Share
from tests.agreements.test_locking import agreement_data
from tests.factories import make_agreement, make_line, make_party, make_user
from tests.forms_html import fresh_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    region = make_party("Region R", kind="region")
    town = make_party("Kommun K", kind="municipality")
    org = make_party("Förening F")
    agreement = make_agreement(region, town, org, status=AgreementStatus.ACTIVE, notice_months=9)
    lines = [
        make_line(agreement, region, {2026: 400_000, 2027: 400_000}),
        make_line(agreement, town, {2026: 200_000, 2027: 200_000}),
    ]
    Payment.objects.create(line=lines[0], year=2026, paid_on=date(2026, 1, 20), amount=400_000)
    users = {
        "region": make_user("region_admin", party=region, role="administrator"),
        "town": make_user(
            "kommun_admin", party=town, role="administrator", first_name="Kim", last_name="Kommun"
        ),
        "coordinator": make_user("forening_samord", party=org, role="coordinator"),
    }
    return SimpleNamespace(
        region=region, town=town, org=org, agreement=agreement, lines=lines, users=users
    )


def commitments(agreement):
    """Every party's lines, shares and payments as they stand."""
    return (
        sorted(agreement.funding_lines.values_list("pk", "party_id", "kind", "purpose")),
        sorted(
            Share.objects.filter(line__agreement=agreement).values_list("line", "year", "amount")
        ),
        sorted(
            Payment.objects.filter(line__agreement=agreement).values_list("line", "year", "amount")
        ),
    )


def terminate(client, agreement, **data):
    url = reverse("agreements:move", args=[agreement.pk, "terminate"])
    return client.post(url, {"on": "2026-03-31"} | data)


def test_notice_is_the_acting_partys_and_rewrites_no_commitment(client, world):
    before = commitments(world.agreement)
    client.force_login(world.users["town"])
    assert terminate(client, world.agreement).status_code == 302

    world.agreement.refresh_from_db()
    assert world.agreement.status == AgreementStatus.TERMINATED
    assert world.agreement.terminated_on == date(2026, 3, 31)
    assert commitments(world.agreement) == before
    # Shown to every party: who gave notice, for which organisation, when.
    client.force_login(world.users["region"])
    page = client.get(world.agreement.get_absolute_url()).content.decode()
    assert "2026-03-31 av Kommun K" in page
    assert "Sade upp överenskommelsen (2026-03-31)" in page and "Kim Kommun" in page
    event = world.agreement.events.get(kind="terminate")
    assert (event.party, event.user, event.on) == (
        world.town,
        world.users["town"],
        date(2026, 3, 31),
    )


def test_a_user_acting_for_two_parties_says_for_which(client, world):
    both = world.users["region"]
    Membership.objects.create(user=both, party=world.town, role="administrator")
    client.force_login(both)
    response = terminate(client, world.agreement)
    assert response.status_code == 302
    world.agreement.refresh_from_db()
    assert world.agreement.status == AgreementStatus.ACTIVE
    assert not world.agreement.events.exists()

    assert terminate(client, world.agreement, party=world.region.pk).status_code == 302
    world.agreement.refresh_from_db()
    assert world.agreement.status == AgreementStatus.TERMINATED
    assert world.agreement.events.get().party == world.region


def test_nobody_gives_notice_for_a_party_they_do_not_act_for(client, world):
    client.force_login(world.users["region"])
    for party in (world.town, world.org, make_party("Utomstående")):
        response = terminate(client, world.agreement, party=party.pk)
        assert response.status_code == 302
    world.agreement.refresh_from_db()
    assert world.agreement.status == AgreementStatus.ACTIVE
    assert not world.agreement.events.exists()


def test_notice_is_given_after_a_page_that_says_what_it_does(client, world):
    url = reverse("agreements:terminate", args=[world.agreement.pk])
    client.force_login(world.users["town"])
    detail = client.get(world.agreement.get_absolute_url()).content.decode()
    assert f'href="{url}"' in detail
    page = client.get(url).content.decode()
    assert "Ingen parts finansieringsrader, andelar eller betalningar ändras" in page
    assert "Du säger upp för Kommun K." in page and "Uppsägningstiden är 9 månader." in page
    assert reverse("agreements:move", args=[world.agreement.pk, "terminate"]) in page
    client.force_login(world.users["coordinator"])
    assert client.get(url).status_code == 403


def test_every_step_and_change_of_the_terms_is_recorded_for_the_acting_party(client, world):
    agreement = make_agreement(world.region, world.town, title="Ny")
    client.force_login(world.users["region"])
    url = reverse("agreements:move", args=[agreement.pk, "propose"])
    assert client.post(url, {}).status_code == 302
    client.force_login(world.users["town"])
    url = reverse("agreements:move", args=[agreement.pk, "withdraw"])
    assert client.post(url, {}).status_code == 302
    events = list(agreement.events.values_list("kind", "party", "user"))
    assert events == [
        ("propose", world.region.pk, world.users["region"].pk),
        ("withdraw", world.town.pk, world.users["town"].pk),
    ]


def test_registering_and_editing_an_agreement_are_recorded_for_the_acting_party(client, world):
    client.force_login(world.users["region"])
    data = {
        "title": "Registrerad",
        "period_start": "2026-01-01",
        "period_end": "2027-12-31",
        "parter-TOTAL_FORMS": "2",
        "parter-INITIAL_FORMS": "0",
        "parter-MIN_NUM_FORMS": "0",
        "parter-MAX_NUM_FORMS": "1000",
        "parter-0-party": world.region.pk,
        "parter-0-role": "public",
        "parter-1-party": world.org.pk,
        "parter-1-role": "nonprofit",
    }
    data |= fresh_token()
    assert client.post(reverse("agreements:create"), data).status_code == 302
    agreement = world.region.agreement_roles.get(agreement__title="Registrerad").agreement
    event = agreement.events.get()
    assert (event.kind, event.party, event.user) == ("created", world.region, world.users["region"])

    client.force_login(world.users["town"])
    edit = reverse("agreements:edit", args=[world.agreement.pk])
    assert client.post(edit, agreement_data(world.agreement, title="Ändrad")).status_code == 302
    event = world.agreement.events.get()
    assert (event.kind, event.party, event.user) == ("changed", world.town, world.users["town"])
    page = client.get(world.agreement.get_absolute_url()).content.decode()
    assert "Ändrade uppgifterna och parterna" in page and "Kim Kommun" in page


def test_a_superuser_acts_for_the_party_named_or_as_the_operator(client, world, superuser):
    client.force_login(superuser)
    page = client.get(reverse("agreements:end", args=[world.agreement.pk])).content.decode()
    assert "Ingen organisation (driftansvarig)" in page
    url = reverse("agreements:move", args=[world.agreement.pk, "end"])
    assert client.post(url, {"party": ""}).status_code == 302
    event = world.agreement.events.get()
    assert (event.kind, event.party, event.user) == ("end", None, superuser)
    page = client.get(world.agreement.get_absolute_url()).content.decode()
    assert "Driftansvarig" in page
