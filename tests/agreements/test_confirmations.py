"""Acts that end an agreement go through a page that says what happens; steps that cannot
succeed yet are explained instead of offered."""

from datetime import date

import pytest
from django.urls import reverse

from agreements.models import (
    AgreementEvent,
    AgreementStatus,
    Decision,
    DecisionOutcome,
)
from agreements.services.lifecycle import move_blockers, why_not
from tests.factories import make_agreement, make_line, make_party, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    region = make_party("Region Skåne", kind="region")
    city = make_party("Malmö stad", kind="municipality")
    org = make_party("Förening F")
    agreement = make_agreement(region, city, org, status=AgreementStatus.ACTIVE)
    admin = make_user("region_admin", party=region, role="administrator")
    return region, city, org, agreement, admin


def test_ending_shows_what_happens_and_ends_only_on_the_confirming_post(client, world):
    *_, agreement, admin = world
    client.force_login(admin)
    detail = client.get(agreement.get_absolute_url()).content.decode()
    end_page = reverse("agreements:end", args=[agreement.pk])
    assert f'href="{end_page}"' in detail
    # The agreement page has no button that ends it directly.
    assert reverse("agreements:move", args=[agreement.pk, "end"]) not in detail

    page = client.get(end_page).content.decode()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE  # looking changes nothing
    assert "Det går inte att ångra" in page and "button--warning" in page
    assert reverse("agreements:move", args=[agreement.pk, "end"]) in page

    response = client.post(reverse("agreements:move", args=[agreement.pk, "end"]), follow=True)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ENDED
    assert "Överenskommelsen är avslutad." in response.content.decode()
    assert AgreementEvent.objects.get(kind="end").user == admin


def test_the_end_page_of_an_agreement_that_cannot_end_says_so(client, world):
    *_, agreement, admin = world
    agreement.status = AgreementStatus.DRAFT
    agreement.save()
    client.force_login(admin)
    page = client.get(reverse("agreements:end", args=[agreement.pk])).content.decode()
    assert "kan inte avslutas" in page
    assert reverse("agreements:move", args=[agreement.pk, "end"]) not in page


def test_the_end_page_is_the_administrators(client, world):
    region, _city, org, agreement, _admin = world
    url = reverse("agreements:end", args=[agreement.pk])
    client.force_login(make_user("samord", party=org, role="coordinator"))
    assert client.get(url).status_code == 403
    client.force_login(make_user("annan", party=make_party("Annan"), role="administrator"))
    assert client.get(url).status_code == 404
    assert client.post(url).status_code in (404, 405)


def test_a_step_waiting_for_a_decision_is_explained_not_offered(client, world):
    region, city, _org, agreement, admin = world
    agreement.status = AgreementStatus.PROPOSED
    agreement.save()
    approved = Decision.objects.create(
        organisation=region, outcome=DecisionOutcome.APPROVED, decided_on=date(2026, 1, 10)
    )
    approved.agreements.add(agreement)
    assert why_not(agreement, "decide") == "Kan markeras som beslutad när Malmö stad har beslutat."
    client.force_login(make_user("sekr", party=region, role="secretary"))
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "Kan markeras som beslutad när Malmö stad har beslutat." in page
    assert reverse("agreements:move", args=[agreement.pk, "decide"]) not in page

    other = Decision.objects.create(
        organisation=city, outcome=DecisionOutcome.APPROVED, decided_on=date(2026, 1, 12)
    )
    other.agreements.add(agreement)
    assert why_not(agreement, "decide") == ""
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert reverse("agreements:move", args=[agreement.pk, "decide"]) in page


def test_a_step_says_what_it_did(client, world):
    *_, agreement, admin = world
    agreement.status = AgreementStatus.DRAFT
    agreement.save()
    client.force_login(admin)
    response = client.post(reverse("agreements:move", args=[agreement.pk, "propose"]), follow=True)
    assert "Status är ändrad till föreslagen." in response.content.decode()


def test_recording_a_decision_shows_it_before_it_is_recorded(client, world):
    region, _city, _org, agreement, _admin = world
    decision = Decision.objects.create(organisation=region, body="Nämnden", title="Förslag")
    decision.agreements.add(agreement)
    client.force_login(make_user("sekr", party=region, role="secretary"))
    url = reverse("agreements:decision_record", args=[decision.pk])
    values = {
        "body": "Regionstyrelsen",
        "decided_on": "2026-02-01",
        "paragraph": "12",
        "outcome": "approved",
        "version": decision.version,
        "submit_token": "k" * 43,
    }
    page = client.post(url, values).content.decode()
    decision.refresh_from_db()
    assert decision.outcome == DecisionOutcome.PROPOSED  # nothing recorded yet
    assert "Kontrollera beslutet" in page and "Regionstyrelsen" in page and "2026-02-01" in page
    assert agreement.title in page and "button--warning" in page

    back = client.post(url, values | {"andra": "1"})
    assert back.context["form"]["body"].value() == "Regionstyrelsen"
    decision.refresh_from_db()
    assert decision.outcome == DecisionOutcome.PROPOSED

    response = client.post(url, values | {"bekrafta": "1"}, follow=True)
    decision.refresh_from_db()
    assert (decision.outcome, decision.paragraph) == (DecisionOutcome.APPROVED, "12")
    assert "Beslutet är registrerat." in response.content.decode()


def test_a_decision_that_cannot_be_recorded_is_refused_before_the_check(client, world):
    region, *_ = world
    decision = Decision.objects.create(organisation=region, body="Nämnden")
    client.force_login(make_user("sekr", party=region, role="secretary"))
    url = reverse("agreements:decision_record", args=[decision.pk])
    response = client.post(
        url,
        {
            "body": "Nämnden",
            "decided_on": "2999-01-01",
            "outcome": "approved",
            "version": decision.version,
            "submit_token": "m" * 43,
        },
    )
    page = response.content.decode()
    assert "framtiden" in page and "Kontrollera beslutet" not in page


def test_removing_a_party_is_confirmed_before_it_is_saved(client, world):
    from agreements.models import AgreementParty
    from tests.agreements.test_locking import agreement_data

    region, city, _org, agreement, admin = world
    client.force_login(admin)
    url = reverse("agreements:edit", args=[agreement.pk])
    position = list(agreement.parties.values_list("party_id", flat=True)).index(city.pk)
    data = agreement_data(agreement) | {f"parter-{position}-DELETE": "on"}

    page = client.post(url, data).content.decode()
    assert AgreementParty.objects.filter(agreement=agreement, party=city).exists()
    assert "Ta bort en part" in page and "Malmö stad" in page and "button--warning" in page
    assert 'name="parter-TOTAL_FORMS"' in page  # the changes go with the confirmation

    back = client.post(url, data | {"andra": "1"})
    assert back.status_code == 200 and "agreement_form" in back.templates[0].name
    assert AgreementParty.objects.filter(agreement=agreement, party=city).exists()

    response = client.post(url, data | {"bekrafta": "1"})
    assert response.status_code == 302
    assert not AgreementParty.objects.filter(agreement=agreement, party=city).exists()


def test_an_edit_that_removes_no_party_is_saved_at_once(client, world):
    from tests.agreements.test_locking import agreement_data

    *_, agreement, admin = world
    client.force_login(admin)
    url = reverse("agreements:edit", args=[agreement.pk])
    assert client.post(url, agreement_data(agreement, title="Ny titel")).status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "Ny titel"


def test_activation_is_explained_and_refused_for_the_same_missing_facts(world):
    region, city, _org, agreement, _admin = world
    agreement.status = AgreementStatus.SIGNED
    agreement.save()
    make_line(agreement, city, {}, kind="cash", purpose="Lokal", amount_pending=True)
    approved = Decision.objects.create(
        organisation=region, outcome=DecisionOutcome.APPROVED, decided_on=date(2026, 1, 10)
    )
    approved.agreements.add(agreement)
    assert why_not(agreement, "activate") == "Kan aktiveras när Malmö stad har beslutat."
    assert move_blockers(agreement, "activate") == [
        "Beslut om bifall saknas från: Malmö stad.",
        "Belopp ej fastställt för: Malmö stad – Pengar (Lokal). Ange beloppet innan du aktiverar.",
    ]

    other = Decision.objects.create(
        organisation=city, outcome=DecisionOutcome.APPROVED, decided_on=date(2026, 1, 12)
    )
    other.agreements.add(agreement)
    assert why_not(agreement, "activate") == (
        "Kan aktiveras när beloppet är fastställt för: Malmö stad – Pengar (Lokal)."
    )
    assert move_blockers(agreement, "activate") == [
        "Belopp ej fastställt för: Malmö stad – Pengar (Lokal). Ange beloppet innan du aktiverar."
    ]
