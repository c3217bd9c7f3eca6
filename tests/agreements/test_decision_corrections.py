"""A recorded decision is recorded once and corrected by a new, linked record with a reason,
never rewritten in place; a decision dated after today is refused."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import (
    AgreementStatus,
    Decision,
    DecisionCondition,
    DecisionOutcome,
    DecisionRecord,
)
from agreements.services import DomainError
from agreements.services.lifecycle import (
    correct_decision,
    public_parties_without_approval,
    record_decision,
)
from tests.factories import make_party, make_world
from tests.forms_html import posted_form

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 1)


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_world()


def record(decision, by, *, version=1, outcome=DecisionOutcome.APPROVED, **values):
    values = {"body": "Nämnden", "decided_on": date(2026, 2, 1), "paragraph": "12"} | values
    return record_decision(
        decision=decision, version=version, outcome=outcome, by=by, today=TODAY, **values
    )


def correct(decision, by, **changes):
    values = {
        "body": decision.body,
        "decided_on": decision.decided_on,
        "paragraph": decision.paragraph,
        "outcome": decision.outcome,
        "summary": decision.summary,
        "reason": "Fel paragraf i protokollet",
    }
    return correct_decision(
        decision=decision, version=decision.version, by=by, today=TODAY, **values | changes
    )


# --- Services ----------------------------------------------------------------------------


def test_a_recorded_decision_is_not_recorded_again(world):
    decision, secretary = world.own["decision"], world.users["secretary"]
    record(decision, secretary)
    with pytest.raises(DomainError, match="redan registrerat"):
        record(decision, secretary, version=2, outcome=DecisionOutcome.REJECTED)
    decision.refresh_from_db()
    assert (decision.outcome, decision.paragraph) == (DecisionOutcome.APPROVED, "12")
    assert decision.records.count() == 1


def test_a_decision_dated_after_today_is_refused(world):
    decision, secretary = world.own["decision"], world.users["secretary"]
    with pytest.raises(DomainError, match="framtiden"):
        record(decision, secretary, decided_on=TODAY + timedelta(days=1))
    decision.refresh_from_db()
    assert decision.outcome == DecisionOutcome.PROPOSED and not decision.records.exists()

    record(decision, secretary, decided_on=TODAY)  # today itself is fine
    decision.refresh_from_db()
    with pytest.raises(DomainError, match="framtiden"):
        correct(decision, secretary, decided_on=TODAY + timedelta(days=1))
    assert Decision.objects.get(pk=decision.pk).decided_on == TODAY


def test_a_correction_is_a_new_record_and_the_original_stays(world):
    decision = world.own["decision"]
    secretary, admin = world.users["secretary"], world.users["admin"]
    record(decision, secretary)
    decision.refresh_from_db()

    correction = correct(decision, admin, paragraph="13")

    decision.refresh_from_db()
    assert decision.reference == "2026-02-01 § 13"
    original = DecisionRecord.objects.get(decision=decision, corrects=None)
    assert (original.paragraph, original.recorded_by) == ("12", secretary)
    assert original.corrected_by == correction
    assert (correction.recorded_by, correction.reason) == (admin, "Fel paragraf i protokollet")
    assert correction.recorded_at is not None
    assert [(str(label), before, after) for label, before, after in correction.changes()] == [
        ("paragraf", "12", "13")
    ]
    assert decision.history.first().history_user == admin


def test_a_correction_needs_a_reason_and_a_change(world):
    decision, secretary = world.own["decision"], world.users["secretary"]
    record(decision, secretary)
    decision.refresh_from_db()
    with pytest.raises(DomainError, match="varför"):
        correct(decision, secretary, paragraph="13", reason="  ")
    with pytest.raises(DomainError, match="ändrar ingenting"):
        correct(decision, secretary)
    assert decision.records.count() == 1


def test_a_proposal_is_recorded_not_corrected(world):
    decision = world.own["decision"]
    with pytest.raises(DomainError, match="inte registrerat"):
        correct(decision, world.users["secretary"], decided_on=date(2026, 2, 1))


def test_taking_back_an_approval_opens_its_conditions_and_keeps_the_status(world):
    agreement, secretary = world.own["agreement"], world.users["secretary"]
    city = make_party("Kommun F", kind="municipality")
    agreement.parties.create(party=city, role="public", position=5)
    agreement.status = AgreementStatus.PROPOSED
    agreement.save()
    region = world.own["decision"]
    condition = DecisionCondition.objects.create(decision=region, party=city, body="Nämnden")
    record(region, secretary)
    city_decision = Decision.objects.create(organisation=city, title="Stadens beslut")
    city_decision.agreements.add(agreement)
    record(city_decision, secretary)
    agreement.refresh_from_db()
    condition.refresh_from_db()
    assert agreement.status == AgreementStatus.DECIDED
    assert condition.satisfied_by == city_decision

    city_decision.refresh_from_db()
    correct(
        city_decision, secretary, outcome=DecisionOutcome.REJECTED, reason="Avslag i protokollet"
    )

    agreement.refresh_from_db()
    condition.refresh_from_db()
    assert condition.satisfied_by is None
    assert agreement.status == AgreementStatus.DECIDED  # the life cycle is not moved back
    assert public_parties_without_approval(agreement) == [city]

    city_decision.refresh_from_db()
    correct(city_decision, secretary, outcome=DecisionOutcome.APPROVED, reason="Bifall ändå")
    condition.refresh_from_db()
    assert condition.satisfied_by == city_decision


def test_a_decision_recorded_before_records_were_kept_keeps_its_original(world):
    decision = world.own["decision"]
    Decision.objects.filter(pk=decision.pk).update(
        outcome=DecisionOutcome.APPROVED, decided_on=date(2020, 5, 5), paragraph="7"
    )
    decision.refresh_from_db()
    correction = correct(decision, world.users["admin"], paragraph="8")
    original = correction.corrects
    assert (original.paragraph, original.decided_on) == ("7", date(2020, 5, 5))
    assert (original.recorded_by, original.recorded_at) == (None, None)
    assert decision.records.count() == 2


# --- Pages -------------------------------------------------------------------------------


def test_the_record_page_does_not_rewrite_a_recorded_decision(client, world):
    """The hostile tester's case: approved, then rewritten as rejected and dated ahead."""
    decision = world.own["decision"]
    record(decision, world.users["secretary"])
    url = reverse("agreements:decision_record", args=[decision.pk])
    client.force_login(world.users["secretary"])
    assert client.get(url)["Location"] == decision.get_absolute_url()
    decision.refresh_from_db()
    response = client.post(
        url,
        {
            "body": "Nämnden",
            "decided_on": "2026-02-01",
            "paragraph": "12",
            "outcome": "rejected",
            "version": decision.version,
            "submit_token": "r" * 43,
        },
    )
    assert response.status_code == 200
    assert "redan registrerat" in response.content.decode()
    decision.refresh_from_db()
    assert decision.outcome == DecisionOutcome.APPROVED


def test_a_decision_date_after_today_is_refused_on_the_page(client, world):
    decision = world.own["decision"]
    url = reverse("agreements:decision_record", args=[decision.pk])
    client.force_login(world.users["secretary"])
    data = posted_form(client.get(url), url)
    data["decided_on"] = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "framtiden" in response.content.decode()
    decision.refresh_from_db()
    assert decision.outcome == DecisionOutcome.PROPOSED


def test_an_administrator_corrects_a_decision_after_confirming(client, world):
    decision = world.own["decision"]
    record(decision, world.users["secretary"])
    client.force_login(world.users["admin"])
    detail = client.get(decision.get_absolute_url()).content.decode()
    url = reverse("agreements:decision_correct", args=[decision.pk])
    assert f'href="{url}"' in detail

    data = posted_form(client.get(url), url)
    data |= {"paragraph": "13", "reason": "Fel paragraf i protokollet"}
    review = client.post(url, data)
    page = review.content.decode()
    assert "Kontrollera rättelsen" in page and "kan inte ångras" in page
    assert "12" in page and "13" in page
    assert Decision.objects.get(pk=decision.pk).paragraph == "12"  # nothing saved yet

    # "Ändra rättelsen" goes back to the form with what was typed.
    back = client.post(url, posted_form(review, url) | {"andra": "1"})
    assert posted_form(back, url)["paragraph"] == "13"

    done = client.post(url, posted_form(review, url) | {"bekrafta": "1"})
    assert done["Location"] == decision.get_absolute_url()
    decision.refresh_from_db()
    assert decision.reference == "2026-02-01 § 13"
    page = client.get(decision.get_absolute_url()).content.decode()
    assert "Rättelse" in page and "Fel paragraf i protokollet" in page
    assert "Admin_A" in page and "Rättat, gäller inte längre." in page


def test_a_coordinator_may_not_correct_a_decision(client, world):
    decision = world.own["decision"]
    record(decision, world.users["secretary"])
    client.force_login(world.users["coordinator"])
    url = reverse("agreements:decision_correct", args=[decision.pk])
    assert client.get(url).status_code == 403
    assert "Rätta beslutet" not in client.get(decision.get_absolute_url()).content.decode()


def test_documents_cite_the_corrected_decision(client, world):
    decision = world.own["decision"]
    record(decision, world.users["secretary"], summary="att anta överenskommelsen")
    decision.refresh_from_db()
    correct(decision, world.users["admin"], paragraph="13")
    later = Decision.objects.create(organisation=world.a, title="Förlängning", body="Nämnden")
    later.agreements.add(world.own["agreement"])
    later.cites.add(decision)
    client.force_login(world.users["admin"])
    page = client.get(reverse("documents:proposal_preview", args=[later.pk])).content.decode()
    page = page.replace("\u2060", "").replace("\u00a0", " ")  # as typeset for print
    assert "2026-02-01 § 13 att anta överenskommelsen" in page
    assert "§ 12" not in page
