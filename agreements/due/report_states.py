"""Each report's state as its due item has it, for the pages and files that list reports."""

from django.conf import settings

from ..models import DueOverride
from .rules import report_due_date, report_key, report_status, submitted_late


def with_item_states(reports, *, today):
    """Set each report's item status (.state), due date (.due, moved or not, and why:
    .due_reason) and whether it was handed in after that date (.late), its item's latest
    close or move read once: the dashboard's, so every page shows the same."""
    reports = list(reports)
    keys = {
        r.pk: report_key(
            r.agreement_id, r.year, r.period, obligation_id=r.obligation_id, report_id=r.pk
        )
        for r in reports
    }
    overrides = {
        (o.agreement_id, o.key): o
        for o in DueOverride.objects.filter(
            agreement_id__in={r.agreement_id for r in reports}, key__in=set(keys.values())
        ).order_by("at", "pk")
    }
    for r in reports:
        override = overrides.get((r.agreement_id, keys[r.pk]))
        r.state = report_status(
            r, today=today, soon=settings.REMINDER_DAYS_BEFORE, override=override
        )
        r.due = report_due_date(r, override)
        r.late = submitted_late(r, r.due)
        moved = override is not None and override.action == "moved"
        r.due_reason = override.reason if moved else r.due_date_reason
