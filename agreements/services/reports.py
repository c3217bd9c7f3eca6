"""Expected report rows: deadlines become rows a person can move."""

from django.db import transaction

from ..due.invalidation import mark_changed
from ..due.rules import expected_reports
from ..models import Report, ReportStatus
from . import DomainError  # noqa: F401 – the one error services raise


def ensure_reports(agreement):
    """Create the Report rows every obligation asks for, not yet started; existing rows are
    kept as they are.

    Idempotent: a second call creates nothing. A moved due date (due_date with a reason) is
    never reset; original_due_date records the computed one.
    """
    created = []
    with transaction.atomic():
        existing = Report.objects.select_for_update().filter(agreement=agreement)
        periods = {(r.year, r.period) for r in existing if r.period}
        one_off = {r.obligation_id for r in existing if not r.period}
        for obligation in agreement.obligations.all():
            if not obligation.responsible_id:
                continue
            for year, period, due, title in expected_reports(agreement, obligation):
                if (period and (year, period) in periods) or (
                    not period and obligation.pk in one_off
                ):
                    continue
                created.append(
                    Report(
                        agreement=agreement,
                        obligation=obligation,
                        party_id=obligation.responsible_id,
                        year=year,
                        period=period,
                        title=title if not period else "",
                        due_date=due,
                        original_due_date=due,
                        status=ReportStatus.NOT_STARTED,
                    )
                )
                if period:
                    periods.add((year, period))
                else:
                    one_off.add(obligation.pk)
        Report.objects.bulk_create(created)
        if created:
            mark_changed([agreement.pk])
    return created
