"""deadlines_for: every due item of a set of agreements, with a constant number of queries."""

from datetime import date

import pytest
from django.utils import timezone

from agreements.due.loading import deadlines_for
from agreements.due.rules import expected_reports
from agreements.models import (
    Agreement,
    AgreementStatus,
    Meeting,
    Obligation,
    ObligationKind,
    Report,
    ReportStatus,
)
from agreements.services.followup import open_report
from agreements.services.reports import ensure_reports
from funding.models import Payment, PaymentPlan
from tests.factories import make_agreement, make_line, make_party

pytestmark = pytest.mark.django_db


def vasterbotten():
    return Agreement.objects.get(parties__party__name="Region Västerbotten")


def by_key(deadlines):
    return {d.key: d for d in deadlines}


def test_vasterbotten_tertial_report_payment_and_notice(demo):
    agreement = vasterbotten()
    items = by_key(
        deadlines_for(Agreement.objects.filter(pk=agreement.pk), today=date(2026, 5, 20))
    )
    t1 = items[f"report:{agreement.pk}:2026:T1"]
    assert t1.due_date == date(2026, 5, 30)  # 30 days after 2026-04-30 (app default)
    assert t1.status == "due_soon"
    assert t1.responsible_party_id == agreement.parties.get(short_name="SRK").party_id
    payment = next(d for d in items.values() if d.kind == "payment")
    assert payment.due_date == date(2026, 1, 31)
    assert payment.status == "overdue"
    assert "1\u202f726\u202f000" in payment.title
    # Annual report 2026 (due 2027-02-28) and notice (2028-03-31) are beyond 90 days.
    assert not any(d.kind in ("annual_report", "notice") for d in items.values())


def test_long_horizon_shows_annual_report_notice_and_meetings(demo):
    agreement = vasterbotten()
    items = deadlines_for(
        Agreement.objects.filter(pk=agreement.pk), today=date(2027, 1, 10), horizon_days=500
    )
    keys = by_key(items)
    assert keys[f"report:{agreement.pk}:2026:annual"].due_date == date(2027, 2, 28)
    assert keys[f"report:{agreement.pk}:2027:annual"].due_date == date(2028, 2, 29)
    assert keys[f"notice:{agreement.pk}"].due_date == date(2028, 3, 31)
    meetings = keys[f"meetings:{agreement.pk}:2027"]
    assert meetings.due_date == date(2027, 12, 31)
    assert meetings.title.startswith("3 av minst 3")
    assert [d.due_date for d in items] == sorted(d.due_date for d in items)


def test_meetings_held_reduce_what_is_needed(demo):
    agreement = vasterbotten()
    Meeting.objects.create(agreement=agreement, date=date(2026, 3, 1))
    Meeting.objects.create(agreement=agreement, date=date(2025, 3, 1))  # another year
    items = by_key(
        deadlines_for(
            Agreement.objects.filter(pk=agreement.pk), today=date(2026, 11, 1), horizon_days=90
        )
    )
    assert items[f"meetings:{agreement.pk}:2026"].title.startswith("2 av minst 3")


def test_a_moved_report_date_wins_over_the_computed_one(demo):
    agreement = vasterbotten()
    ensure_reports(agreement)
    report = Report.objects.get(agreement=agreement, year=2026, period="T1")
    report.due_date = date(2026, 6, 15)
    report.due_date_reason = "Överenskommen förlängning"
    report.save()
    items = by_key(deadlines_for(Agreement.objects.filter(pk=agreement.pk), today=date(2026, 6, 1)))
    t1 = items[f"report:{agreement.pk}:2026:T1"]
    assert t1.due_date == date(2026, 6, 15)
    assert "Överenskommen förlängning" in t1.detail
    assert t1.status == "due_soon"


def test_submitted_reports_and_paid_payments_are_done(demo, django_user_model):
    agreement = vasterbotten()
    ensure_reports(agreement)
    Report.objects.filter(agreement=agreement, year=2026, period="T1").update(
        status=ReportStatus.SUBMITTED, submitted_at=timezone.now()
    )
    line = agreement.funding_lines.get()
    Payment.objects.create(line=line, year=2026, paid_on=date(2026, 1, 20), amount=1_726_000)
    qs = Agreement.objects.filter(pk=agreement.pk)
    open_keys = by_key(deadlines_for(qs, today=date(2026, 5, 20)))
    assert f"report:{agreement.pk}:2026:T1" not in open_keys
    assert not any(d.kind == "payment" for d in open_keys.values())
    all_keys = by_key(deadlines_for(qs, today=date(2026, 5, 20), include_done=True))
    assert all_keys[f"report:{agreement.pk}:2026:T1"].status == "done"


def test_decision_awaiting_a_counterpart_is_a_deadline(demo):
    skane = Agreement.objects.get(
        parties__party__name="Region Skåne", period_start=date(2021, 1, 1)
    )
    items = deadlines_for(Agreement.objects.filter(pk=skane.pk), today=date(2020, 11, 1))
    decision = [d for d in items if d.kind == "decision"]
    assert len(decision) == 1
    assert "Malmö stad" in decision[0].title
    assert decision[0].due_date == date(2021, 1, 1)
    assert decision[0].responsible_party_id == skane.parties.get(party__name="Malmö stad").party_id


def test_ended_agreements_have_no_deadlines(demo):
    ended = Agreement.objects.filter(status=AgreementStatus.ENDED)
    assert ended.exists()
    assert deadlines_for(ended, today=date(2017, 5, 1), horizon_days=3650) == []


def test_days_after_period_on_the_obligation_overrides_the_default(db):
    region, org = make_party(kind="region"), make_party()
    agreement = make_agreement(region, org, status=AgreementStatus.ACTIVE)
    Obligation.objects.create(
        agreement=agreement,
        kind=ObligationKind.TERTIAL_REPORT,
        responsible=org,
        days_after_period=15,
    )
    items = deadlines_for(Agreement.objects.filter(pk=agreement.pk), today=date(2026, 5, 1))
    assert by_key(items)[f"report:{agreement.pk}:2026:T1"].due_date == date(2026, 5, 15)


@pytest.mark.parametrize(
    "kind, fields, period, due",
    [
        (ObligationKind.TERTIAL_REPORT, {"days_after_period": 15}, "T1", date(2026, 5, 15)),
        (ObligationKind.TERTIAL_REPORT, {}, "T2", date(2026, 9, 30)),  # the app's default
        (
            ObligationKind.ANNUAL_REPORT,
            {"due_before_month": 4, "due_before_day": 15},
            "annual",
            date(2027, 4, 14),
        ),
        # "Before April", its day left out: before 1 April, as the due list reads it.
        (ObligationKind.ANNUAL_REPORT, {"due_before_month": 4}, "annual", date(2027, 3, 31)),
    ],
)
def test_a_report_opened_by_hand_is_due_the_day_its_item_is(db, kind, fields, period, due):
    region, org = make_party(kind="region"), make_party()
    agreement = make_agreement(region, org, status=AgreementStatus.ACTIVE)
    obligation = Obligation.objects.create(
        agreement=agreement, kind=kind, responsible=org, **fields
    )
    expected = {(y, p): d for y, p, d, _title in expected_reports(agreement, obligation)}
    assert expected[2026, period] == due

    report = open_report(agreement=agreement, party=org, year=2026, period=period, by=None)

    assert report.due_date == due


def _busy_agreement(region, org, n):
    agreement = make_agreement(region, org, status=AgreementStatus.ACTIVE, notice_months=6)
    for kind, extra in [
        (ObligationKind.TERTIAL_REPORT, {}),
        (ObligationKind.ANNUAL_REPORT, {"due_before_month": 3, "due_before_day": 1}),
        (ObligationKind.MEETINGS, {"min_per_year": 2}),
        (ObligationKind.ONE_OFF_REPORT, {"due_date": date(2026, 6, 30)}),
    ]:
        Obligation.objects.create(agreement=agreement, kind=kind, responsible=org, **extra)
    amounts = {2026: 100_000 + n, 2027: 100_000, 2028: 100_000}
    line = make_line(agreement, region, amounts, receiver=org)
    PaymentPlan.objects.create(
        line=line, installments_per_year=4, bankgiro="403-4849", reference=f"R{n}"
    )
    Payment.objects.create(line=line, year=2026, paid_on=date(2026, 1, 10), amount=1000)
    Meeting.objects.create(agreement=agreement, date=date(2026, 2, 1))
    ensure_reports(agreement)
    return agreement


@pytest.mark.parametrize("count", [1, 50])
def test_query_count_is_constant(db, django_assert_max_num_queries, count):
    region, org = make_party(kind="region"), make_party()
    for n in range(count):
        _busy_agreement(region, org, n)
    with django_assert_max_num_queries(13):
        items = deadlines_for(Agreement.objects.all(), today=date(2026, 6, 1), horizon_days=365)
    assert len({d.agreement.pk for d in items}) == count
    kinds = {d.kind for d in items}
    assert {"tertial_report", "annual_report", "one_off_report", "meetings", "payment"} <= kinds


def test_ensure_reports_is_idempotent_and_keeps_moved_dates(demo):
    agreement = vasterbotten()
    created = ensure_reports(agreement)
    # Nine tertials and three annual reports for 2026–2028.
    assert len(created) == 12
    assert {r.status for r in created} == {ReportStatus.NOT_STARTED}
    annual = Report.objects.get(agreement=agreement, year=2027, period="annual")
    assert annual.due_date == annual.original_due_date == date(2028, 2, 29)
    annual.due_date = date(2028, 3, 15)
    annual.due_date_reason = "Nämndmöte 14 mars"
    annual.save()
    assert ensure_reports(agreement) == []
    assert Report.objects.filter(agreement=agreement).count() == 12
    annual.refresh_from_db()
    assert annual.due_date == date(2028, 3, 15)


def test_a_report_row_without_obligation_is_a_deadline_too(demo):
    agreement = vasterbotten()
    party = agreement.parties.get(short_name="SRK").party
    report = Report.objects.create(
        agreement=agreement,
        party=party,
        year=2026,
        period="",
        title="Milstolpe: utvärdering",
        due_date=date(2026, 6, 10),
    )
    items = by_key(deadlines_for(Agreement.objects.filter(pk=agreement.pk), today=date(2026, 6, 1)))
    milestone = items[f"report:{agreement.pk}:2026:r{report.pk}"]
    assert (milestone.kind, milestone.title) == ("one_off_report", "Milstolpe: utvärdering")
    assert milestone.due_date == date(2026, 6, 10) and milestone.status == "due_soon"


def test_items_agreements_come_with_their_parties(db, django_assert_num_queries):
    # Reminders read each item's agreement's parties: they are fetched with the items.
    region, org = make_party(kind="region"), make_party()
    for n in range(3):
        _busy_agreement(region, org, n)
    items = deadlines_for(Agreement.objects.all(), today=date(2026, 6, 1), horizon_days=365)
    assert items
    with django_assert_num_queries(0):
        names = {ap.party.name for d in items for ap in d.agreement.parties.all()}
    assert names == {region.name, org.name}


def test_ended_agreements_give_nothing_and_running_ones_count_this_years_meetings(db):
    region, org = make_party(kind="region"), make_party()
    running = _busy_agreement(region, org, 1)
    ended = _busy_agreement(region, org, 2)
    Agreement.objects.filter(pk=ended.pk).update(status=AgreementStatus.ENDED)
    Meeting.objects.create(agreement=running, date=date(2025, 12, 31))  # last year: not counted
    items = deadlines_for(Agreement.objects.all(), today=date(2026, 6, 1), horizon_days=365)
    assert {d.agreement.pk for d in items} == {running.pk}
    meetings = by_key(items)[f"meetings:{running.pk}:2026"]
    assert meetings.title.startswith("1 av minst 2")  # one meeting held in 2026
