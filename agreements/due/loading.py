"""The deadlines of a set of agreements: the rows the rules read, fetched with a constant
number of queries however many agreements there are, and the rules applied to each."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, prefetch_related_objects

from funding.figures import read_lines
from funding.models import FundingLine

from .. import calendar as cal
from ..models import (
    AgreementParty,
    Decision,
    DecisionCondition,
    DecisionOutcome,
    DueOverride,
    Meeting,
    Obligation,
    Report,
)
from .rules import PENDING, RUNNING, agreement_deadlines

DEFAULT_HORIZON_DAYS = 90
# What the rules read of a report.
REPORT_FIELDS = (
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


@dataclass
class Related:
    """The rows of one agreement the rules read."""

    decisions: list = field(default_factory=list)  # [(decision, [unmet condition, …])]
    obligations: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    meetings_held: int = 0  # this year's
    funding_lines: list = field(default_factory=list)  # those with a payment plan
    overrides: dict = field(default_factory=dict)  # {item key: its latest DueOverride}


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

    with_parties prefetches each item's agreement's parties (reminders read them); the stored
    items, which need only titles, pass False.
    """
    soon = settings.REMINDER_DAYS_BEFORE if soon_days is None else soon_days
    until = today + timedelta(days=horizon_days)
    result = []
    for agreement, related in load(agreements, today=today, until=until):
        result += [
            item
            for item in agreement_deadlines(agreement, related, today=today, soon=soon)
            if item.due_date <= until and (include_done or item.is_open)
        ]
    if with_parties:
        prefetch_related_objects(
            list({item.agreement.pk: item.agreement for item in result}.values()),
            Prefetch("parties", queryset=AgreementParty.objects.select_related("party")),
        )
    result.sort(key=lambda d: (d.due_date, d.agreement.pk, d.key))
    return result


def load(agreements_qs, *, today, until):
    """[(agreement, Related)] for the agreements of agreements_qs that can have a deadline.

    Only agreements running or waiting for decisions can have one. Each relation is read with
    one query for all of them, selecting the agreements by a subquery, and grouped in Python.
    """
    agreements = list(agreements_qs.filter(status__in=set(RUNNING) | set(PENDING)))
    # A row of an agreement that became visible after the first query lands in an entry
    # nobody reads.
    related = defaultdict(Related)
    if agreements:
        _load_overrides(agreements_qs.values("pk"), related)
    if any(a.status in PENDING for a in agreements):
        _load_decisions(agreements_qs.filter(status__in=PENDING).values("pk"), related)
    if any(a.status in RUNNING for a in agreements):
        running = agreements_qs.filter(status__in=RUNNING).values("pk")
        _load_follow_up(running, related, today=today)
        _load_funding_lines(running, related, until=until)
    return [(a, related[a.pk]) for a in agreements]


def _load_overrides(agreements, related):
    """The latest close or move of each item people changed (later rows win)."""
    for override in DueOverride.objects.filter(agreement_id__in=agreements).order_by("at", "pk"):
        related[override.agreement_id].overrides[override.key] = override


def _load_decisions(pending, related):
    """The decisions of the pending agreements that are neither rejected nor withdrawn, with
    their conditions no decision has met yet."""
    decisions = Decision.objects.filter(agreements__in=pending).exclude(
        outcome__in=[DecisionOutcome.REJECTED, DecisionOutcome.WITHDRAWN]
    )
    links = Decision.agreements.through.objects.filter(
        agreement_id__in=pending, decision__in=decisions
    ).values_list("decision_id", "agreement_id")
    unmet = defaultdict(list)
    for condition in DecisionCondition.objects.filter(
        decision__in=decisions, satisfied_by__isnull=True
    ).select_related("decision", "party"):
        unmet[condition.decision_id].append(condition)
    for decision_id, agreement_id in links:
        if decision_id in unmet:
            decision = unmet[decision_id][0].decision
            related[agreement_id].decisions.append((decision, unmet[decision_id]))


def _load_follow_up(running, related, *, today):
    """Obligations, reports and this year's meeting count of the running agreements."""
    for obligation in Obligation.objects.filter(agreement_id__in=running):
        related[obligation.agreement_id].obligations.append(obligation)
    for report in Report.objects.filter(agreement_id__in=running).only(*REPORT_FIELDS):
        related[report.agreement_id].reports.append(report)
    held = (
        Meeting.objects.filter(
            agreement_id__in=running,
            date__gte=today.replace(month=1, day=1),
            date__lte=cal.year_end(today.year),
        )
        .order_by()
        .values_list("agreement_id")
        .annotate(n=Count("id"))
    )
    for agreement_id, n in held:
        related[agreement_id].meetings_held = n


def _load_funding_lines(running, related, *, until):
    """The funding lines with a payment plan (only they give payments), with their shares and
    payments of the years up to until."""
    lines = read_lines(
        FundingLine.objects.filter(agreement_id__in=running, payment_plan__isnull=False),
        until_year=until.year,
        paid=True,
    )
    for line in lines:
        related[line.agreement_id].funding_lines.append(line)
