"""The deadline rules: what an agreement asks to be done by when, one function per kind.

Each rule takes a Scope (one agreement on one day) and the rows it reads (agreements.due.loading
fetches them for many agreements at once), and gives Deadlines. Report rows win over computed
dates: a person can move a report's due date (with a reason) and the moved date is the
deadline. The date arithmetic itself lives in agreements.calendar.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from funding.figures import expected_payments
from funding.money import group_thousands
from funding.payments import PAID

from .. import calendar as cal
from ..models import (
    DATED_KINDS,
    HANDED_IN_REPORT_STATUSES,
    AgreementStatus,
    ObligationKind,
    ReportPeriod,
    Role,
)
from .texts import Text

# Agreements whose duties run: reports, meetings, payments and notice dates.
RUNNING = (AgreementStatus.DECIDED, AgreementStatus.SIGNED, AgreementStatus.ACTIVE)
# Agreements still waiting for decisions.
PENDING = (AgreementStatus.DRAFT, AgreementStatus.PROPOSED, AgreementStatus.DECIDED)
# Agreements someone ended or terminated.
ENDED = (AgreementStatus.ENDED, AgreementStatus.TERMINATED)
# An agreement left running this long after its period is over has ended all the same: its
# last reports (an annual report the following spring) and payments were due well before.
ENDED_AFTER_DAYS = 365
# Statuses of an item nothing more is expected of.
CLOSED_STATUSES = ("done", "closed", "ended")
# Kinds that stop being something to do once their date has passed: a notice date missed is
# an agreement that runs on, not a task that is late.
LAPSE_WHEN_PASSED = ("notice",)

KIND_LABELS = {
    "tertial_report": gettext_lazy("Tertialrapport"),
    "annual_report": gettext_lazy("Årsrapport"),
    "one_off_report": gettext_lazy("Rapport"),
    "evaluation": gettext_lazy("Utvärdering"),
    "meetings": gettext_lazy("Samverkansmöten"),
    "notice": gettext_lazy("Uppsägning/förlängning"),
    "decision": gettext_lazy("Beslut hos motpart"),
    "payment": gettext_lazy("Betalning"),
}
REPORT_KINDS = {
    ObligationKind.TERTIAL_REPORT: "tertial_report",
    ObligationKind.ANNUAL_REPORT: "annual_report",
    ObligationKind.ONE_OFF_REPORT: "one_off_report",
    ObligationKind.EVALUATION: "evaluation",
}

# Who acts on an item: a member with one of these roles of the organisation responsible for
# it (the dashboard's "Du behöver göra"); everyone else who sees it waits for them.
ACTING_ROLES = {
    "tertial_report": (Role.COORDINATOR,),
    "annual_report": (Role.COORDINATOR,),
    "one_off_report": (Role.COORDINATOR,),
    "evaluation": (Role.COORDINATOR,),
    "meetings": (Role.ADMINISTRATOR, Role.COORDINATOR),
    "decision": (Role.SECRETARY,),
    "payment": (Role.ADMINISTRATOR,),
    # No one organisation is responsible: an administrator of any of the parties acts.
    "notice": (Role.ADMINISTRATOR,),
}
ANY_PARTY_KINDS = ("notice",)

MOVED = gettext_noop("Flyttad: %(reason)s")
CLOSED = gettext_noop("Stängd: %(reason)s")


@dataclass(frozen=True)
class Deadline:
    kind: str
    agreement: object
    due_date: date
    title: str
    # 'upcoming' | 'due_soon' | 'overdue' | 'done', or 'closed' (by a person, with a reason)
    # or 'ended' (its agreement has ended: has_ended)
    status: str
    responsible_party_id: int | None
    url: str
    key: str  # stable identity of the item (for reminders and calendar UIDs)
    agreement_url: str
    detail: str = ""
    # The report period a report deadline is for (the report page is found by them).
    year: int | None = None
    period: str = ""

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_open(self):
        return self.status not in CLOSED_STATUSES


def is_lapsed(kind, due_date, today):
    """Whether an item is no longer something to do because its date has passed."""
    return kind in LAPSE_WHEN_PASSED and due_date < today


def has_ended(agreement, today):
    """Whether the agreement has ended, so that nothing of it is late any more: ended or
    terminated, or its period over more than ENDED_AFTER_DAYS ago.

    An agreement running 2020-01-01 – 2023-12-31 that nobody marked as ended has ended on
    2025-01-01: a tertial report of 2023 never handed in is no longer 'Försenad' then.
    """
    return agreement.status in ENDED or today > agreement.period_end + timedelta(
        days=ENDED_AFTER_DAYS
    )


def item_status(due_date, today, *, done, ended, soon):
    """An item's status: 'done', 'ended' (open but its agreement has ended), else as
    calendar.deadline_status gives it."""
    if ended and not done:
        return "ended"
    return cal.deadline_status(due_date, today, done=done, soon_days=soon)


def apply_overrides(items, overrides, scope):
    """The items as people changed them (overrides: the latest DueOverride per item key): a
    closed item is 'closed', a moved one due on its new date; each says why."""
    return [
        _overridden(item, overrides[item.key], scope) if item.key in overrides else item
        for item in items
    ]


def _overridden(item, override, scope):
    reason = {"reason": override.reason}
    if item.status == "done":
        # Done before or after it was moved: it was due on the moved day all the same (a
        # report handed in by then is not late), and a closed one was done nonetheless.
        if override.action == "moved":
            return replace(item, due_date=override.due_date, detail=Text(MOVED, reason))
        return item
    if override.action == "moved":
        return replace(
            item,
            due_date=override.due_date,
            status=scope.status(override.due_date, done=False),
            detail=Text(MOVED, reason),
        )
    return replace(item, status="closed", detail=Text(CLOSED, reason))


def agreement_deadlines(agreement, related, *, today, soon):
    """Every deadline of one agreement, done and closed ones included, as people changed
    them (related: its rows, as loaded)."""
    scope = Scope(agreement, agreement.get_absolute_url(), today, soon, has_ended(agreement, today))
    items = []
    if agreement.status in PENDING:
        items += decision_deadlines(scope, related.decisions)
    if agreement.status in RUNNING:
        items += report_deadlines(scope, related.obligations, related.reports)
        items += meeting_deadlines(scope, related.obligations, related.meetings_held)
        items += notice_deadlines(scope)
        items += payment_deadlines(scope, related.funding_lines)
    return apply_overrides(items, related.overrides, scope)


@dataclass(frozen=True)
class Scope:
    """One agreement on one day: what the rules' deadlines for it share."""

    agreement: object
    agreement_url: str
    today: date
    soon: int  # days before the due date an item is due soon
    ended: bool = False  # has_ended

    def status(self, due_date, *, done):
        return item_status(due_date, self.today, done=done, ended=self.ended, soon=self.soon)

    def deadline(self, *, done, url="", **fields):
        """A Deadline of the agreement, its status from its date; it links to the agreement's
        page unless given a url."""
        return Deadline(
            agreement=self.agreement,
            status=self.status(fields["due_date"], done=done),
            url=url or self.agreement_url,
            agreement_url=self.agreement_url,
            **fields,
        )


def _moved(report):
    return Text(MOVED, {"reason": report.due_date_reason}) if report.due_date_reason else ""


def decision_deadlines(scope, decisions):
    """A counterpart's decision still awaited: due when the agreement is meant to start.

    decisions: [(decision, [its conditions no decision has met yet])].
    """
    agreement = scope.agreement
    return [
        scope.deadline(
            done=False,
            kind="decision",
            key=f"decision:{agreement.pk}:{condition.pk}",
            due_date=agreement.period_start,
            title=Text(
                gettext_noop("Väntar på beslut av %(party)s%(body)s"),
                {
                    "party": condition.party.name,
                    "body": f" ({condition.body})" if condition.body else "",
                },
            ),
            responsible_party_id=condition.party_id,
            url=decision.get_absolute_url(),
        )
        for decision, conditions in decisions
        for condition in conditions
    ]


def report_deadlines(scope, obligations, reports):
    """The reports the obligations ask for, each with its report row if there is one, and the
    report rows no obligation accounts for (a milestone report added by hand)."""
    by_period = {(r.year, r.period): r for r in reports if r.period}
    one_off = {r.obligation_id: r for r in reports if not r.period}
    items, matched = [], set()
    for obligation in obligations:
        for expected in expected_reports(scope.agreement, obligation):
            year, period, _due, _title = expected
            report = by_period.get((year, period)) if period else one_off.get(obligation.pk)
            if report is not None:
                matched.add(report.pk)
            items.append(_expected_report_deadline(scope, obligation, expected, report))
    items += [_report_row_deadline(scope, r) for r in reports if r.pk not in matched]
    return items


def _expected_report_deadline(scope, obligation, expected, report):
    year, period, due, title = expected
    if report is None:
        done, detail, responsible = False, "", obligation.responsible_id
    else:
        due = report.due_date
        done = report.status in HANDED_IN_REPORT_STATUSES
        detail, responsible = _moved(report), report.party_id
    return scope.deadline(
        done=done,
        kind=REPORT_KINDS[obligation.kind],
        key=report_key(scope.agreement.pk, year, period, obligation_id=obligation.pk),
        due_date=due,
        title=title,
        detail=detail,
        responsible_party_id=responsible,
        year=year,
        period=period,
    )


def _report_row_deadline(scope, report):
    if report.period == ReportPeriod.ANNUAL:
        kind = "annual_report"
    elif report.period:
        kind = "tertial_report"
    else:
        kind = "one_off_report"
    return scope.deadline(
        done=report.status in HANDED_IN_REPORT_STATUSES,
        kind=kind,
        key=report_key(scope.agreement.pk, report.year, report.period, report_id=report.pk),
        due_date=report.due_date,
        title=report.title or report.period_label,
        detail=_moved(report),
        responsible_party_id=report.party_id,
        year=report.year,
        period=report.period,
    )


def report_key(agreement_id, year, period, *, obligation_id=None, report_id=None):
    """A report item's key: by its period, else by the obligation asking for it, else by its
    report row (a report added by hand)."""
    return f"report:{agreement_id}:{year}:{period or obligation_id or f'r{report_id}'}"


def computed_report_due_date(obligation, year, period):
    """The day the tertial or annual report of the period is due by the obligation that asks
    for it (None: by the defaults), before anyone moves it: a tertial's report
    TERTIAL_REPORT_DAYS_AFTER days after the tertial unless the obligation says otherwise, an
    annual report before 1 March of the next year unless it names another day. A report row
    starts from this day (Report.due_date, original_due_date); report_due_date is the day it
    is due now."""
    if period == ReportPeriod.ANNUAL:
        month = obligation.due_before_month if obligation else None
        day = obligation.due_before_day if obligation else None
        return cal.annual_report_due(year, month or 3, day or 1)
    days = obligation.days_after_period if obligation else None
    if days is None:
        days = settings.TERTIAL_REPORT_DAYS_AFTER
    return cal.tertial_report_due(year, period, days)


def report_due_date(report, override=None):
    """The day a report row is due as its item has it (override: the item's latest
    DueOverride): the day the override moved it to, else the row's own due date (from
    computed_report_due_date, or moved). Every page, the late flag, the reminders and the
    calendar feed go by this day."""
    if override is not None and override.action == "moved":
        return override.due_date
    return report.due_date


def submitted_late(report, due_date):
    """Whether the report was handed in after due_date (report_due_date), the day in Swedish
    time."""
    if report.submitted_at is None:
        return False
    return timezone.localtime(report.submitted_at).date() > due_date


def report_status(report, *, today, soon, override=None):
    """A report row's status as its item has it (override: the item's latest DueOverride, as
    apply_overrides applies it), for the lists that show report rows."""
    done = report.status in HANDED_IN_REPORT_STATUSES
    if override is not None and override.action != "moved" and not done:
        return "closed"
    due = report_due_date(report, override)
    ended = has_ended(report.agreement, today)
    return item_status(due, today, done=done, ended=ended, soon=soon)


def meeting_deadlines(scope, obligations, held):
    """This year's collaboration meetings still to hold (held: those held this year so far),
    due at the year's or the agreement's end."""
    agreement, year = scope.agreement, scope.today.year
    if not agreement.period_start.year <= year <= agreement.period_end.year:
        return []
    title = gettext_noop("%(needed)s av minst %(min)s samverkansmöten kvar att hålla %(year)s")
    items = []
    for obligation in obligations:
        if obligation.kind != ObligationKind.MEETINGS or not obligation.min_per_year:
            continue
        expected = cal.meetings_expected(
            obligation.min_per_year, year, agreement.followup_done_before
        )
        if not expected:
            continue
        needed = cal.meetings_needed(expected, held)
        items.append(
            scope.deadline(
                done=needed == 0,
                kind="meetings",
                key=f"meetings:{agreement.pk}:{year}",
                due_date=min(cal.year_end(year), agreement.period_end),
                title=Text(title, {"needed": needed, "min": expected, "year": year}),
                responsible_party_id=obligation.responsible_id,
            )
        )
    return items


def notice_deadlines(scope):
    """The last day to give notice or decide on an extension, while it lies ahead."""
    agreement = scope.agreement
    notice = cal.notice_deadline(agreement.period_end, agreement.notice_months)
    if notice is None or is_lapsed("notice", notice, scope.today):
        return []
    title = gettext_noop(
        "Sista dag att säga upp eller besluta om förlängning (uppsägningstid %(n)s mån.)"
    )
    return [
        scope.deadline(
            done=False,
            kind="notice",
            key=f"notice:{agreement.pk}",
            due_date=notice,
            title=Text(title, {"n": agreement.notice_months}),
            responsible_party_id=None,
        )
    ]


def payment_deadlines(scope, funding_lines):
    """Every payment the funding lines' payment plans expect, reconciled with what was paid."""
    if not funding_lines:
        return []
    url = reverse("funding:payments", args=[scope.agreement.pk])
    title = gettext_noop("Betalning %(year)s%(n)s från %(payer)s: %(amount)s kr kvar")
    items = []
    for line in funding_lines:
        for expected in expected_payments(line.plan, line.amounts, line.paid, today=scope.today):
            several = expected.installments > 1
            values = {
                "year": expected.year,
                "n": f" ({expected.installment}/{expected.installments})" if several else "",
                "payer": line.party,
                "amount": group_thousands(expected.outstanding),
            }
            items.append(
                scope.deadline(
                    done=expected.status == PAID,
                    kind="payment",
                    key=f"payment:{line.pk}:{expected.year}:{expected.installment}",
                    due_date=expected.due_date,
                    title=Text(title, values),
                    responsible_party_id=line.party_id,
                    url=url,
                )
            )
    return items


def expected_reports(agreement, obligation):
    """(year, period, computed due date, title) of every report an obligation asks for, but
    those due before the day the agreement's follow-up was done outside the app."""
    done_before = agreement.followup_done_before
    return [
        expected
        for expected in _reports_asked_for(agreement, obligation)
        if done_before is None or expected[2] >= done_before
    ]


def _reports_asked_for(agreement, obligation):
    if obligation.kind == ObligationKind.TERTIAL_REPORT:
        title = gettext_noop("Tertialrapport %(t)s %(year)s")
        return [
            (
                year,
                tertial,
                computed_report_due_date(obligation, year, tertial),
                Text(title, {"t": tertial, "year": year}),
            )
            for year, tertial in cal.tertials_in(agreement.period_start, agreement.period_end)
        ]
    if obligation.kind == ObligationKind.ANNUAL_REPORT:
        title = gettext_noop("Årsrapport %(year)s")
        return [
            (
                year,
                ReportPeriod.ANNUAL,
                computed_report_due_date(obligation, year, ReportPeriod.ANNUAL),
                Text(title, {"year": year}),
            )
            for year in agreement.years
        ]
    if obligation.kind in DATED_KINDS and obligation.due_date:
        title = obligation.description.splitlines()[0][:80] if obligation.description else ""
        default = (
            gettext_noop("Utvärdering")
            if obligation.kind == ObligationKind.EVALUATION
            else gettext_noop("Rapport")
        )
        return [
            (
                obligation.due_date.year,
                ReportPeriod.ONE_OFF,
                obligation.due_date,
                title or Text(default),
            )
        ]
    return []
