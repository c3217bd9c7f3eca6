"""Att göra: what needs doing soon across the user's agreements."""

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from agreements.access import COORDINATOR, decisions_of_own_organisations, party_ids_of
from agreements.due.store import acting_on, as_deadlines, due_items_for
from agreements.models import DecisionOutcome, Report

from ._common import paginate

HORIZON_DAYS = 60
# Rows shown per group on the dashboard; "Visa alla" opens the whole group, page by page.
SHOWN_PER_GROUP = 20
GROUPS = {
    "rapporter": ("tertial_report", "annual_report", "one_off_report", "evaluation"),
    "moten": ("meetings",),
    "uppsagning": ("notice",),
    "beslut": ("decision",),
    "utbetalningar": ("payment",),
}
# A group's slug with this prefix: the group's items someone else acts on.
WAITING = "andra-"
GROUP_TITLES = {
    "rapporter": gettext_lazy("Rapporter"),
    "moten": gettext_lazy("Samverkansmöten i år"),
    "uppsagning": gettext_lazy("Uppsägning och förlängning"),
    "beslut": gettext_lazy("Väntar på motpartens beslut"),
    "utbetalningar": gettext_lazy("Betalningar"),
}


@dataclass
class Group:
    slug: str
    title: str
    rows: list
    count: int
    overdue: int


def _items(user, today):
    return due_items_for(user, today=today, horizon_days=HORIZON_DAYS)


@login_required
@require_GET
def dashboard(request):
    """What the user has to do ("Du behöver göra") and what others do that the user waits
    for ("Väntar på andra"), each in groups of kinds."""
    today = timezone.localdate()
    items, mine = _items(request.user, today), acting_on(request.user)
    overdue = Q(due_date__lt=today)
    counts = {
        kind: counted
        for kind, *counted in items.order_by()
        .values_list("kind")
        # Counted on an indexed column (never null), not the id: the (party, kind, due date)
        # index alone answers this, without reading the table.
        .annotate(
            n=Count("due_date"),
            overdue=Count("due_date", filter=overdue),
            mine=Count("due_date", filter=mine),
            mine_overdue=Count("due_date", filter=mine & overdue),
        )
    }
    to_do = _with_first_rows(
        _groups(counts, waiting=False), items.filter(mine), request.user, today
    )
    waiting = _groups(counts, waiting=True)
    proposals = list(
        decisions_of_own_organisations(request.user)
        .filter(outcome=DecisionOutcome.PROPOSED)
        .select_related("organisation")
        .order_by("proposal_date", "id")[:20]
    )
    return render(
        request,
        "agreements/dashboard.html",
        {
            "today": today,
            "groups": to_do,
            "waiting": waiting,
            "deadline_count": sum(g.count for g in to_do),
            "overdue_count": sum(g.overdue for g in to_do),
            "waiting_count": sum(g.count for g in waiting),
            "proposals": proposals,
            "horizon_days": HORIZON_DAYS,
        },
    )


def _groups(counts, *, waiting):
    """The dashboard's groups, counted (counts: per kind, n, overdue, the user's, the user's
    overdue): the user's own, or (waiting) the others'."""
    groups = []
    for slug, kinds in GROUPS.items():
        n, late = 0, 0
        for kind in kinds:
            total, overdue, mine, mine_overdue = counts.get(kind, (0, 0, 0, 0))
            n += total - mine if waiting else mine
            late += overdue - mine_overdue if waiting else mine_overdue
        shown = WAITING + slug if waiting else slug
        groups.append(Group(shown, GROUP_TITLES[slug], [], n, late))
    return groups


def _with_first_rows(groups, items, user, today):
    """The groups with their first rows (the user's own items; the others' are only counted
    on the dashboard, each count linking to its group's page)."""
    return [
        replace(
            g,
            rows=_link_reports(
                as_deadlines(items.filter(kind__in=GROUPS[g.slug])[:SHOWN_PER_GROUP], today=today),
                user,
            ),
        )
        if g.count
        else g
        for g in groups
    ]


@login_required
@require_GET
def todo_group(request, group):
    """One group of the dashboard in full, page by page: the user's items of its kinds, or
    (slug starting with WAITING) the others'."""
    kinds = GROUPS.get(group.removeprefix(WAITING))
    if kinds is None:
        raise Http404
    today = timezone.localdate()
    items, mine = _items(request.user, today).filter(kind__in=kinds), acting_on(request.user)
    items = items.exclude(mine) if group.startswith(WAITING) else items.filter(mine)
    page = paginate(request, items)
    page.object_list = _link_reports(as_deadlines(page.object_list, today=today), request.user)
    return render(
        request,
        "agreements/todo_group.html",
        {
            "today": today,
            "title": GROUP_TITLES[group.removeprefix(WAITING)],
            "waiting": group.startswith(WAITING),
            "page": page,
            "count": page.paginator.count,
            "horizon_days": HORIZON_DAYS,
        },
    )


# Reports expected per period: the page of the period's report, or the form that opens it.
PERIOD_REPORT_KINDS = ("tertial_report", "annual_report")


def _link_reports(deadlines, user):
    """Point report rows at the report itself, or at the form that opens it (one query)."""
    wanted = [d for d in deadlines if d.kind in PERIOD_REPORT_KINDS]
    if not wanted:
        return deadlines
    existing = {
        (agreement_id, year, period): pk
        for pk, agreement_id, year, period in Report.objects.filter(
            agreement_id__in={d.agreement.pk for d in wanted}
        )
        .exclude(period="")
        .values_list("pk", "agreement_id", "year", "period")
    }
    coordinator_of = set(party_ids_of(user, COORDINATOR))
    return [
        _report_link(d, existing, coordinator_of) if d.kind in PERIOD_REPORT_KINDS else d
        for d in deadlines
    ]


def _report_link(deadline, existing, coordinator_of):
    pk = existing.get((deadline.agreement.pk, deadline.year, deadline.period))
    if pk is not None:
        return replace(deadline, url=reverse("agreements:report", args=[pk]))
    if deadline.responsible_party_id in coordinator_of:
        query = urlencode(
            {
                "overenskommelse": deadline.agreement.pk,
                "ar": deadline.year,
                "period": deadline.period,
            }
        )
        return replace(deadline, url=f"{reverse('agreements:report_create')}?{query}")
    return replace(deadline, url=deadline.url + "#rapporter")
