"""The agreement's life cycle and its successor ("fortsätt / förläng")."""

from datetime import date

import pytest

from agreements.models import (
    AgreementEvent,
    AgreementSection,
    AgreementStatus,
    CapacityTarget,
    ConditionStatus,
    Decision,
    DecisionCondition,
    DecisionOutcome,
    Obligation,
    ObligationKind,
    PartyKind,
    PredecessorRelation,
    Signatory,
)
from agreements.services import DomainError
from agreements.services.lifecycle import (
    create_successor,
    move_agreement,
    moves_for,
    prepare_proposal,
    record_decision,
)
from funding.models import Share
from tests.factories import make_agreement, make_line, make_member, make_party

pytestmark = pytest.mark.django_db
S = AgreementStatus


@pytest.fixture
def setup():
    region = make_party("Region R", kind=PartyKind.REGION)
    city = make_party("Stad S", kind=PartyKind.MUNICIPALITY)
    nonprofit = make_party("Förening F")
    agreement = make_agreement(region, city, nonprofit)
    admin = make_member("adm", region, "administrator")
    secretary = make_member("sek", region, "secretary")
    coordinator = make_member("sam", nonprofit, "coordinator")
    return agreement, region, city, nonprofit, admin, secretary, coordinator


def approve(agreement, organisation):
    d = Decision.objects.create(
        organisation=organisation,
        outcome=DecisionOutcome.APPROVED,
        decided_on=date(2025, 12, 1),
        body="Nämnden",
    )
    d.agreements.add(agreement)
    return d


def test_the_whole_way_from_draft_to_ended(setup):
    agreement, region, city, _, admin, _, _ = setup
    move_agreement(agreement=agreement, move="propose", by=admin)
    approve(agreement, region)
    approve(agreement, city)
    move_agreement(agreement=agreement, move="decide", by=admin)
    move_agreement(agreement=agreement, move="sign", by=admin, on=date(2025, 12, 20))
    move_agreement(agreement=agreement, move="activate", by=admin)
    agreement = move_agreement(agreement=agreement, move="end", by=admin)
    assert agreement.status == S.ENDED
    assert agreement.signed_on == date(2025, 12, 20)


def test_cannot_become_active_without_a_decision_from_each_public_party(setup):
    agreement, region, city, _, admin, _, _ = setup
    agreement.status = S.SIGNED
    agreement.save()
    approve(agreement, region)
    with pytest.raises(DomainError, match="Stad S"):
        move_agreement(agreement=agreement, move="activate", by=admin)
    approve(agreement, city)
    assert move_agreement(agreement=agreement, move="activate", by=admin).status == S.ACTIVE


def test_a_rejected_decision_does_not_count(setup):
    agreement, region, city, _, admin, _, _ = setup
    agreement.status = S.PROPOSED
    agreement.save()
    approve(agreement, region)
    rejected = approve(agreement, city)
    rejected.outcome = DecisionOutcome.REJECTED
    rejected.save()
    with pytest.raises(DomainError):
        move_agreement(agreement=agreement, move="decide", by=admin)


def test_termination_requires_a_date(setup):
    agreement, *_, admin, _, _ = setup
    agreement.status = S.ACTIVE
    agreement.save()
    with pytest.raises(DomainError, match="datum"):
        move_agreement(agreement=agreement, move="terminate", by=admin)
    agreement = move_agreement(
        agreement=agreement, move="terminate", by=admin, on=date(2027, 3, 31)
    )
    assert (agreement.status, agreement.terminated_on) == (S.TERMINATED, date(2027, 3, 31))


def test_a_move_from_the_wrong_status_is_refused(setup):
    agreement, *_, admin, _, _ = setup
    with pytest.raises(DomainError):
        move_agreement(agreement=agreement, move="activate", by=admin)
    with pytest.raises(DomainError):
        move_agreement(agreement=agreement, move="no-such-move", by=admin)


def test_each_role_gets_its_own_moves(setup):
    agreement, *_, admin, secretary, coordinator = setup
    assert [m.name for m in moves_for(agreement, {"administrator"})] == ["propose"]
    assert moves_for(agreement, {"coordinator"}) == []
    with pytest.raises(DomainError):
        move_agreement(agreement=agreement, move="propose", by=secretary)
    with pytest.raises(DomainError):
        move_agreement(agreement=agreement, move="propose", by=coordinator)
    agreement.status = S.PROPOSED
    agreement.save()
    assert [m.name for m in moves_for(agreement, {"secretary"})] == ["decide"]


def test_recording_the_last_approval_decides_the_agreement_and_meets_conditions(setup):
    agreement, region, city, _, _, secretary, _ = setup
    agreement.status = S.PROPOSED
    agreement.save()
    proposal = Decision.objects.create(organisation=region, title="Förslag")
    proposal.agreements.add(agreement)
    condition = DecisionCondition.objects.create(decision=proposal, party=city, body="Nämnden")
    record_decision(
        decision=proposal,
        version=1,
        body="Hälso- och sjukvårdsnämnden",
        decided_on=date(2026, 2, 5),
        paragraph="12",
        outcome=DecisionOutcome.APPROVED,
        by=secretary,
        today=date(2026, 3, 1),
    )
    agreement.refresh_from_db()
    assert agreement.status == S.PROPOSED  # the city has not decided yet
    city_decision = Decision.objects.create(organisation=city, title="Stadens beslut")
    city_decision.agreements.add(agreement)
    record_decision(
        decision=city_decision,
        version=1,
        body="Socialnämnden",
        decided_on=date(2026, 2, 20),
        paragraph="3",
        outcome=DecisionOutcome.APPROVED,
        by=secretary,
        today=date(2026, 3, 1),
    )
    agreement.refresh_from_db()
    condition.refresh_from_db()
    assert agreement.status == S.DECIDED
    assert condition.satisfied_by == city_decision


def test_recording_needs_an_outcome(setup):
    agreement, region, *_ = setup
    proposal = Decision.objects.create(organisation=region)
    with pytest.raises(DomainError):
        record_decision(
            decision=proposal,
            version=1,
            body="N",
            decided_on=date(2026, 1, 1),
            paragraph="",
            outcome=DecisionOutcome.PROPOSED,
            by=None,
            today=date(2026, 3, 1),
        )


def test_successor_is_prefilled_from_its_predecessor_and_linked(setup):
    agreement, region, city, nonprofit, admin, _, _ = setup
    agreement.status = S.ACTIVE
    agreement.notice_months = 9
    agreement.save()
    AgreementSection.objects.create(agreement=agreement, heading="Bakgrund", body="Text")
    Signatory.objects.create(
        agreement_party=agreement.parties.get(party=region), name="Pia", title="Direktör"
    )
    Obligation.objects.create(
        agreement=agreement, kind=ObligationKind.MEETINGS, min_per_year=2, responsible=nonprofit
    )
    CapacityTarget.objects.create(agreement=agreement, description="barn", quantity=70)
    make_line(agreement, region, {2026: 400_000, 2027: 400_000, 2028: 410_000}, purpose="IOP")

    successor = create_successor(
        agreement=agreement, relation=PredecessorRelation.CONTINUES, by=admin
    )

    assert successor.predecessor == agreement
    assert successor.status == S.DRAFT
    assert (successor.period_start, successor.period_end) == (date(2029, 1, 1), date(2031, 12, 31))
    assert [ap.party for ap in successor.parties.all()] == [region, city, nonprofit]
    assert successor.parties.get(party=region).signatories.get().title == "Direktör"
    assert successor.sections.get().heading == "Bakgrund"
    assert successor.obligations.get().min_per_year == 2
    assert successor.capacity_targets.get().quantity == 70
    assert successor.notice_months == 9
    shares = Share.objects.filter(line__agreement=successor).order_by("year")
    assert [(s.year, s.amount) for s in shares] == [
        (2029, 400_000),
        (2030, 400_000),
        (2031, 410_000),
    ]
    # The predecessor keeps its own rows.
    assert Share.objects.filter(line__agreement=agreement).count() == 3


def test_an_extension_runs_for_the_agreed_extension_months(setup):
    agreement, *_, admin, _, _ = setup
    agreement.status = S.ACTIVE
    agreement.extension_months = 24
    agreement.save()
    successor = create_successor(
        agreement=agreement, relation=PredecessorRelation.EXTENDS, by=admin
    )
    assert (successor.period_start, successor.period_end) == (date(2029, 1, 1), date(2030, 12, 31))
    assert successor.predecessor_relation == PredecessorRelation.EXTENDS


def test_a_draft_cannot_be_continued(setup):
    agreement, *_, admin, _, _ = setup
    with pytest.raises(DomainError):
        create_successor(agreement=agreement, relation=PredecessorRelation.CONTINUES, by=admin)


def test_a_decided_agreement_gets_its_expected_report_rows(setup):
    agreement, region, city, nonprofit, admin, _, _ = setup
    Obligation.objects.create(
        agreement=agreement, kind=ObligationKind.TERTIAL_REPORT, responsible=nonprofit
    )
    move_agreement(agreement=agreement, move="propose", by=admin)
    assert not agreement.reports.exists()
    approve(agreement, region)
    approve(agreement, city)
    move_agreement(agreement=agreement, move="decide", by=admin)
    rows = agreement.reports.order_by("year", "period")
    assert [(r.year, r.period) for r in rows][:3] == [(2026, "T1"), (2026, "T2"), (2026, "T3")]
    assert rows.count() == 9 and {r.party for r in rows} == {nonprofit}


def test_the_last_approval_decides_every_waiting_agreement_it_covers(setup):
    agreement, region, city, _, _, secretary, _ = setup
    draft = make_agreement(region, city, make_party("Förening D"))
    approve(agreement, city)
    approve(draft, city)
    agreement.status = S.PROPOSED
    agreement.save()
    decision = Decision.objects.create(organisation=region, title="Två överenskommelser")
    decision.agreements.set([agreement, draft])
    record_decision(
        decision=decision,
        version=1,
        body="Regionstyrelsen",
        decided_on=date(2026, 2, 5),
        paragraph="4",
        outcome=DecisionOutcome.APPROVED,
        by=secretary,
        today=date(2026, 3, 1),
    )
    for covered in (agreement, draft):
        covered.refresh_from_db()
        assert covered.status == S.DECIDED
        event = AgreementEvent.objects.get(agreement=covered)
        assert (event.kind, event.party_id, event.user) == ("decide", region.pk, secretary)


def test_a_condition_on_a_party_that_already_approved_is_met(setup):
    agreement, region, city, _, _, secretary, _ = setup
    city_decision = approve(agreement, city)
    decision = prepare_proposal(
        agreement=agreement,
        organisation=region,
        by=secretary,
        conditions=[{"id": None, "party": city, "body": "Socialnämnden"}],
    )
    condition = decision.conditions.get()
    assert condition.satisfied_by == city_decision
    assert condition.status == ConditionStatus.MET
    assert str(condition.status.label) == "Uppfyllt"
