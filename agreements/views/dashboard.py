"""Att göra: what needs doing soon across the user's agreements."""

from dataclasses import replace
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from agreements.access import (
    COORDINATOR,
    agreements_visible_to,
    decisions_visible_to,
    party_ids_of,
)
from agreements.deadlines import deadlines_for
from agreements.models import DecisionOutcome, Report

HORIZON_DAYS = 60
GROUPS = [
    ("reports", ("tertial_report", "annual_report", "one_off_report")),
    ("meetings", ("meetings",)),
    ("notice", ("notice",)),
    ("decisions", ("decision",)),
    ("payments", ("payment",)),
]


@login_required
@require_GET
def dashboard(request):
    today = timezone.localdate()
    agreements = agreements_visible_to(request.user)
    deadlines = deadlines_for(agreements, today=today, horizon_days=HORIZON_DAYS)
    deadlines = _link_reports(deadlines, request.user)
    groups = {name: [d for d in deadlines if d.kind in kinds] for name, kinds in GROUPS}
    own = set(party_ids_of(request.user))
    proposals = (
        decisions_visible_to(request.user)
        .filter(outcome=DecisionOutcome.PROPOSED, organisation_id__in=own)
        .select_related("organisation")
        .order_by("proposal_date", "id")[:20]
    )
    return render(
        request,
        "agreements/dashboard.html",
        {
            "today": today,
            "groups": groups,
            "deadline_count": len(deadlines),
            "overdue_count": sum(1 for d in deadlines if d.status == "overdue"),
            "own_party_ids": own,
            "proposals": proposals,
            "horizon_days": HORIZON_DAYS,
        },
    )


REPORT_KINDS = ("tertial_report", "annual_report", "one_off_report")


def _link_reports(deadlines, user):
    """Point report rows at the report itself, or at the form that opens it (one query)."""
    wanted = [d for d in deadlines if d.kind in REPORT_KINDS]
    if not wanted:
        return deadlines
    agreement_ids = {d.agreement.pk for d in wanted}
    existing = {
        (agreement_id, year, period): pk
        for pk, agreement_id, year, period in Report.objects.filter(
            agreement_id__in=agreement_ids
        ).values_list("pk", "agreement_id", "year", "period")
        if period
    }
    coordinator_of = set(party_ids_of(user, COORDINATOR))
    result = []
    for d in deadlines:
        if d.kind in ("tertial_report", "annual_report"):
            _, agreement_id, year, period = d.key.split(":", 3)
            pk = existing.get((int(agreement_id), int(year), period))
            if pk is not None:
                d = replace(d, url=reverse("agreements:report", args=[pk]))
            elif d.responsible_party_id in coordinator_of:
                query = urlencode({"overenskommelse": agreement_id, "ar": year, "period": period})
                d = replace(d, url=f"{reverse('agreements:report_create')}?{query}")
            else:
                d = replace(d, url=d.url + "#rapporter")
        result.append(d)
    return result
