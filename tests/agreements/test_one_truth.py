"""One truth about an agreement's reports: the dashboard, the agreement's page and the
reports page list the same expected reports, with the same due dates, for every user who
sees them; a moved due date moves on all three."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from agreements.models import HANDED_IN_REPORT_STATUSES, AgreementStatus, Report, ReportStatus
from agreements.services.due import change_due_item
from agreements.services.reports import ensure_reports
from agreements.views.dashboard import HORIZON_DAYS
from tests.factories import make_world

pytestmark = pytest.mark.django_db
TODAY = date(2026, 10, 15)
NOW = datetime(2026, 10, 15, 10, tzinfo=UTC)
REPORT_KINDS = {"tertial_report", "annual_report", "one_off_report", "evaluation"}


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    world = make_world()
    agreement = world.own["agreement"]
    agreement.status = AgreementStatus.ACTIVE
    agreement.save()  # make_followup gave it a tertial report obligation and the T1 report
    ensure_reports(agreement)
    Report.objects.filter(agreement=agreement, year=2026, period="T1").update(
        status=ReportStatus.SUBMITTED, submitted_at=NOW
    )
    world.agreement = agreement
    return world


def _row(report):
    """A report row as the page shows it: its period and the due date in its Senast column."""
    return (report.year, report.period, report.due)


def _open_soon(reports):
    """What the dashboard is to show of a page's reports: those not handed in, due within
    its horizon (late ones included)."""
    until = TODAY + timedelta(days=HORIZON_DAYS)
    return {
        _row(r) for r in reports if r.status not in HANDED_IN_REPORT_STATUSES and r.due <= until
    }


def pages(client, world):
    agreement = world.agreement
    dashboard = client.get(reverse("agreements:dashboard"))
    detail = client.get(agreement.get_absolute_url())
    reports = client.get(reverse("agreements:reports"))
    for response in (dashboard, detail, reports):
        assert response.status_code == 200
    on_dashboard = {
        (d.year, d.period, d.due_date)
        for group in dashboard.context["groups"] + dashboard.context["waiting"]
        for d in group.rows
        if d.kind in REPORT_KINDS and d.agreement.pk == agreement.pk
    }
    on_detail = list(detail.context["reports"])
    on_reports = [r for r in reports.context["page"].object_list if r.agreement_id == agreement.pk]
    # Every report row is shown, with its link and due date, on both pages that list them.
    for response, rows in ((detail, on_detail), (reports, on_reports)):
        html = response.content.decode()
        for r in rows:
            link = reverse("agreements:report", args=[r.pk])
            row = html.split(f'href="{link}"')[1].split("</tr>")[0]
            assert f">{r.due.isoformat()}<" in row
    return on_dashboard, on_detail, on_reports


@pytest.mark.parametrize("role", ["admin", "coordinator", "secretary"])
def test_the_three_pages_list_the_same_expected_reports(client, world, role):
    client.force_login(world.users[role])
    on_dashboard, on_detail, on_reports = pages(client, world)
    assert {_row(r) for r in on_detail} == {_row(r) for r in on_reports}
    assert len(on_detail) == Report.objects.filter(agreement=world.agreement).count() > 3
    # T1 is handed in; T2 (due 2026-09-30) is late; T3 falls after the dashboard's horizon.
    assert on_dashboard == _open_soon(on_detail) == _open_soon(on_reports)
    assert {(y, p) for y, p, _due in on_dashboard} == {(2026, "T2")}


def test_a_moved_due_date_moves_on_every_page(client, world):
    change_due_item(
        agreement=world.agreement,
        key=f"report:{world.agreement.pk}:2026:T3",
        action="moved",
        due_date=date(2026, 11, 1),
        reason="Tidigare enligt mejl",
        by=world.users["admin"],
        now=NOW,
        today=TODAY,
    )
    client.force_login(world.users["coordinator"])
    on_dashboard, on_detail, on_reports = pages(client, world)
    assert on_dashboard == _open_soon(on_detail) == _open_soon(on_reports)
    assert (2026, "T3", date(2026, 11, 1)) in on_dashboard
