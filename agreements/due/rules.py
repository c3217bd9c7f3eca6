"""Every due item of a set of agreements, computed with a constant number of queries.

Report rows win over computed dates: a person can move a report's due date (with a reason)
and the moved date is the deadline. The date rules themselves live in agreements.calendar.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, prefetch_related_objects
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy, gettext_noop

from funding import summary
from funding.models import FundingLine
from funding.payments import PAID

from .. import calendar as cal
from ..models import (
    AgreementParty,
    AgreementStatus,
    Decision,
    DecisionCondition,
    DecisionOutcome,
    Meeting,
    Obligation,
    ObligationKind,
    Report,
    ReportPeriod,
    ReportStatus,
)
from .texts import Text

# Agreements whose duties run: reports, meetings, payments and notice dates.
RUNNING = (AgreementStatus.DECIDED, AgreementStatus.SIGNED, AgreementStatus.ACTIVE)
# Agreements still waiting for decisions.
PENDING = (AgreementStatus.DRAFT, AgreementStatus.PROPOSED, AgreementStatus.DECIDED)
DEFAULT_HORIZON_DAYS = 90
# Above this many running agreements their related rows are selected by a subquery.
SUBQUERY_ABOVE = 500

MOVED = gettext_noop("Flyttad: %(reason)s")
NOTICE = gettext_noop(
    "Sista dag att säga upp eller besluta om förlängning (uppsägningstid %(n)s mån.)"
)

KIND_LABELS = {
    "tertial_report": gettext_lazy("Tertialrapport"),
    "annual_report": gettext_lazy("Årsrapport"),
    "one_off_report": gettext_lazy("Rapport"),
    "meetings": gettext_lazy("Samverkansmöten"),
    "notice": gettext_lazy("Uppsägning/förlängning"),
    "decision": gettext_lazy("Beslut hos motpart"),
    "payment": gettext_lazy("Utbetalning"),
}


@dataclass(frozen=True)
class Deadline:
    kind: str
    agreement: object
    due_date: object
    title: str
    status: str  # 'upcoming' | 'due_soon' | 'overdue' | 'done'
    responsible_party_id: int | None
    url: str
    key: str = ""  # stable identity of the item (for reminders and calendar UIDs)
    detail: str = ""
    agreement_url: str = ""

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_open(self):
        return self.status != "done"


def reverse_or_empty(name, *args):
    """The URL, or "" when the page is not (yet) part of the app."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the page belongs to another part of the app, not built yet
        return ""


def _days_after(obligation):
    if obligation.days_after_period is not None:
        return obligation.days_after_period
    return settings.TERTIAL_REPORT_DAYS_AFTER


class _Related:
    """What _agreement_items needs of one agreement, fetched in bulk (not per agreement)."""

    __slots__ = ("decisions", "obligations", "reports", "meetings_held", "funding_lines")

    def __init__(self):
        self.decisions = []  # (decision, [unsatisfied condition, …])
        self.obligations = []
        self.reports = []
        self.meetings_held = 0
        self.funding_lines = []


def _grouped(rows, key):
    result = defaultdict(list)
    for row in rows:
        result[key(row)].append(row)
    return result


def _load(agreements_qs, today, until):
    """[(agreement, _Related)] for the agreements that can have a deadline at all.

    Only agreements running or waiting for decisions can produce an item; each relation is
    fetched with one query for all of them and grouped in Python, keeping each relation's
    default ordering. Funding lines are fetched only when they have a payment plan (only they
    give payments) and only with the shares and payments of years up to the window's end.
    """
    agreements = list(agreements_qs.filter(status__in=set(RUNNING) | set(PENDING)))
    if not agreements:
        return []
    # A row of an agreement that became visible after the first query lands in an entry
    # nobody reads.
    related = defaultdict(_Related)
    pending = [a.pk for a in agreements if a.status in PENDING]
    running = [a.pk for a in agreements if a.status in RUNNING]
    has_running = bool(running)
    if len(running) > SUBQUERY_ABOVE:
        # Thousands of literal ids cost more to build and parse than repeating the visibility
        # check as a subquery.
        running = agreements_qs.filter(status__in=RUNNING).values("pk")
    if pending:
        links = _grouped(
            Decision.agreements.through.objects.filter(agreement_id__in=pending).values_list(
                "decision_id", "agreement_id"
            ),
            lambda row: row[0],
        )
        decisions = list(
            Decision.objects.filter(pk__in=list(links)).exclude(
                outcome__in=[DecisionOutcome.REJECTED, DecisionOutcome.WITHDRAWN]
            )
        )
        conditions = _grouped(
            DecisionCondition.objects.filter(
                decision_id__in=[d.pk for d in decisions], satisfied_by__isnull=True
            ).select_related("party"),
            lambda c: c.decision_id,
        )
        for decision in decisions:
            if decision.pk in conditions:
                for _decision_id, agreement_id in links[decision.pk]:
                    related[agreement_id].decisions.append((decision, conditions[decision.pk]))
    if has_running:
        for obligation in Obligation.objects.filter(agreement_id__in=running):
            related[obligation.agreement_id].obligations.append(obligation)
        for row in Report.objects.filter(agreement_id__in=running).values_list(*REPORT_FIELDS):
            report = _ReportRow(*row)
            related[report.agreement_id].reports.append(report)
        year_start = today.replace(month=1, day=1)
        held = (
            Meeting.objects.filter(
                agreement_id__in=running, date__gte=year_start, date__lte=cal.year_end(today.year)
            )
            .order_by()
            .values_list("agreement_id")
            .annotate(n=Count("id"))
        )
        for agreement_id, n in held:
            related[agreement_id].meetings_held = n
        lines = summary.flat_lines(
            FundingLine.objects.filter(agreement_id__in=running, payment_plan__isnull=False),
            until_year=until.year,
        )
        for line in lines:
            related[line.agreement_id].funding_lines.append(line)
    return [(a, related[a.pk]) for a in agreements]


class _ReportRow:
    """The fields of a Report the deadlines read, without building a model instance."""

    __slots__ = (
        "pk",
        "agreement_id",
        "obligation_id",
        "party_id",
        "year",
        "period",
        "title",
        "due_date",
        "due_date_reason",
        "status",
    )

    def __init__(self, *values):
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)

    period_label = Report.period_label  # the model's rule, on these plain fields


# The same fields by their names in the query ("pk" is the row's "id").
REPORT_FIELDS = ("id", *_ReportRow.__slots__[1:])


def _url_maker(name):
    """A fast reverse_or_empty(name, pk) for integer primary keys: reverse once, then fill in."""
    marker = 987654321
    pattern = reverse_or_empty(name, marker)
    if not pattern or pattern.count(str(marker)) != 1:
        return lambda pk: reverse_or_empty(name, pk)
    before, after = pattern.split(str(marker))
    return lambda pk: f"{before}{pk}{after}"


def deadlines_for(
    agreements,
    *,
    today,
    horizon_days=DEFAULT_HORIZON_DAYS,
    include_done=False,
    soon_days=None,
    with_parties=True,
):
    """Open deadlines up to today + horizon_days (and every overdue one), sorted by date.

    with_parties prefetches each item's agreement's parties (reminders read them); pages that
    show only titles pass False.
    """
    soon = settings.REMINDER_DAYS_BEFORE if soon_days is None else soon_days
    until = today + timedelta(days=horizon_days)
    urls = {
        name: _url_maker(name)
        for name in ("agreements:detail", "agreements:decision", "funding:payments")
    }
    result = []
    kept = []
    for agreement, related in _load(agreements, today, until):
        count = len(result)
        for item in _agreement_items(agreement, related, today, soon, until, urls):
            if item.due_date > until:
                continue
            if item.status == "done" and not include_done:
                continue
            result.append(item)
        if len(result) > count:
            kept.append(agreement)
    if with_parties:
        # Reminders read each item's agreement's parties: prefetch them for those kept.
        prefetch_related_objects(
            kept, Prefetch("parties", queryset=AgreementParty.objects.select_related("party"))
        )
    result.sort(key=lambda d: (d.due_date, d.agreement.pk, d.key))
    return result


def _agreement_items(agreement, related, today, soon, until, urls):
    items = []
    detail_url = urls["agreements:detail"](agreement.pk)

    def add(kind, key, due, title, done, responsible, url=detail_url, detail=""):
        status = cal.deadline_status(due, today, done=done, soon_days=soon)
        items.append(
            Deadline(kind, agreement, due, title, status, responsible, url, key, detail, detail_url)
        )

    if agreement.status in PENDING:
        for decision, conditions in related.decisions:
            for condition in conditions:
                if condition.satisfied_by_id is None:
                    body = f" ({condition.body})" if condition.body else ""
                    add(
                        "decision",
                        f"decision:{agreement.pk}:{condition.pk}",
                        agreement.period_start,
                        Text(
                            gettext_noop("Väntar på beslut av %(party)s%(body)s"),
                            {"party": condition.party.name, "body": body},
                        ),
                        False,
                        condition.party_id,
                        urls["agreements:decision"](decision.pk) or detail_url,
                    )
    if agreement.status not in RUNNING:
        return items

    reports = {(r.year, r.period): r for r in related.reports if r.period}
    one_off = {r.obligation_id: r for r in related.reports if not r.period}
    matched = set()
    for obligation in related.obligations:
        for expected in expected_reports(agreement, obligation):
            year, period, due, title = expected
            if period:
                report = reports.get((year, period))
            else:
                report = one_off.get(obligation.pk)
            responsible = obligation.responsible_id
            detail = ""
            if report is not None:
                matched.add(report.pk)
                due = report.due_date
                responsible = report.party_id
                if report.due_date_reason:
                    detail = Text(
                        gettext_noop("Flyttad: %(reason)s"), {"reason": report.due_date_reason}
                    )
            done = report is not None and report.status == ReportStatus.SUBMITTED
            kind = {
                ObligationKind.TERTIAL_REPORT: "tertial_report",
                ObligationKind.ANNUAL_REPORT: "annual_report",
            }.get(obligation.kind, "one_off_report")
            add(
                kind,
                f"report:{agreement.pk}:{year}:{period or obligation.pk}",
                due,
                title,
                done,
                responsible,
                detail=detail,
            )
        if obligation.kind == ObligationKind.MEETINGS and obligation.min_per_year:
            year = today.year
            if agreement.period_start.year <= year <= agreement.period_end.year:
                held = related.meetings_held
                needed = cal.meetings_needed(obligation.min_per_year, held)
                due = min(cal.year_end(year), agreement.period_end)
                add(
                    "meetings",
                    f"meetings:{agreement.pk}:{year}",
                    due,
                    Text(
                        gettext_noop(
                            "%(needed)s av minst %(min)s samverkansmöten kvar att hålla %(year)s"
                        ),
                        {"needed": needed, "min": obligation.min_per_year, "year": year},
                    ),
                    needed == 0,
                    obligation.responsible_id,
                )

    # Report rows no obligation accounts for (a one-off or milestone report added by hand).
    for report in related.reports:
        if report.pk in matched:
            continue
        if report.period == ReportPeriod.ANNUAL:
            kind = "annual_report"
        elif report.period:
            kind = "tertial_report"
        else:
            kind = "one_off_report"
        add(
            kind,
            f"report:{agreement.pk}:{report.year}:{report.period or f'r{report.pk}'}",
            report.due_date,
            report.title or report.period_label,
            report.status == ReportStatus.SUBMITTED,
            report.party_id,
            detail=Text(MOVED, {"reason": report.due_date_reason})
            if report.due_date_reason
            else "",
        )

    notice = cal.notice_deadline(agreement.period_end, agreement.notice_months)
    if notice is not None and notice >= today:
        add(
            "notice",
            f"notice:{agreement.pk}",
            notice,
            Text(NOTICE, {"n": agreement.notice_months}),
            False,
            None,
        )

    payments_url = urls["funding:payments"](agreement.pk) or detail_url
    for line in related.funding_lines:
        for expected in summary.expected_payments(line.plan, line.amounts, line.paid, today=today):
            number = (
                f" ({expected.installment}/{expected.installments})"
                if expected.installments > 1
                else ""
            )
            add(
                "payment",
                f"payment:{line.pk}:{expected.year}:{expected.installment}",
                expected.due_date,
                Text(
                    gettext_noop("Utbetalning %(year)s%(n)s från %(payer)s: %(amount)s kr kvar"),
                    {
                        "year": expected.year,
                        "n": number,
                        "payer": line.party,
                        "amount": f"{expected.outstanding:,}".replace(",", "\u202f"),
                    },
                ),
                expected.status == PAID,
                line.party_id,
                payments_url,
            )
    return items


def expected_reports(agreement, obligation):
    """(year, period, computed due date, title) of every report an obligation asks for."""
    result = []
    if obligation.kind == ObligationKind.TERTIAL_REPORT:
        days = _days_after(obligation)
        title = gettext_noop("Tertialrapport %(t)s %(year)s")
        for year, tertial in cal.tertials_in(agreement.period_start, agreement.period_end):
            result.append(
                (
                    year,
                    tertial,
                    cal.tertial_report_due(year, tertial, days),
                    Text(title, {"t": tertial, "year": year}),
                )
            )
    elif obligation.kind == ObligationKind.ANNUAL_REPORT:
        month = obligation.due_before_month or 3
        day = obligation.due_before_day or 1
        title = gettext_noop("Årsrapport %(year)s")
        for year in agreement.years:
            result.append(
                (
                    year,
                    ReportPeriod.ANNUAL,
                    cal.annual_report_due(year, month, day),
                    Text(title, {"year": year}),
                )
            )
    elif obligation.kind == ObligationKind.ONE_OFF_REPORT and obligation.due_date:
        title = obligation.description.splitlines()[0][:80] if obligation.description else ""
        result.append(
            (
                obligation.due_date.year,
                ReportPeriod.ONE_OFF,
                obligation.due_date,
                title or Text(gettext_noop("Rapport")),
            )
        )
    return result
