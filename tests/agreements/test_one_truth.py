"""One truth about an agreement's reports: the dashboard, the agreement's page and the
reports page list the same expected reports, with the same due dates, for every user who
sees them; a moved due date moves on all three."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from agreements.models import HANDED_IN_REPORT_STATUSES, AgreementStatus, Report, ReportStatus
from agreements.services.due import change_due_item
from agreements.services.reminders import send_reminders
from agreements.services.reports import ensure_reports
from agreements.views.dashboard import HORIZON_DAYS
from agreements.views.feeds import feed_ics
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
    # The user's own rows are on the dashboard; the others' on their group's page, which the
    # dashboard's count links to.
    waiting = [
        d
        for group in dashboard.context["waiting"]
        if group.count
        for d in client.get(reverse("agreements:todo", args=[group.slug]))
        .context["page"]
        .object_list
    ]
    on_dashboard = {
        (d.year, d.period, d.due_date)
        for d in [d for group in dashboard.context["groups"] for d in group.rows] + waiting
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
        by=world.users["coordinator"],
        now=NOW,
        today=TODAY,
    )
    client.force_login(world.users["coordinator"])
    on_dashboard, on_detail, on_reports = pages(client, world)
    assert on_dashboard == _open_soon(on_detail) == _open_soon(on_reports)
    assert (2026, "T3", date(2026, 11, 1)) in on_dashboard


# The single report's pages, the late flag, the reminders and the calendar feed go by the same
# day as the three lists: the day the report's item was last moved to (rules.report_due_date).


def _change(world, period, action, due_date=None):
    change_due_item(
        agreement=world.agreement,
        key=f"report:{world.agreement.pk}:2026:{period}",
        action=action,
        due_date=due_date,
        reason="Enligt mejl",
        by=world.users["coordinator"],
        now=NOW,
        today=TODAY,
    )


def _report(world, period):
    return Report.objects.get(agreement=world.agreement, year=2026, period=period)


def _facts(html):
    """The report page's facts list as text, one 'term: value' per fact."""
    facts = html.split('<dl class="facts">')[1].split("</dl>")[0]
    return " ".join(facts.replace("</dt><dd>", ": ").split())


def test_the_report_page_and_its_check_page_show_the_moved_date(client, world):
    _change(world, "T3", "moved", date(2026, 11, 1))
    report = _report(world, "T3")
    assert report.due_date != date(2026, 11, 1)
    client.force_login(world.users["coordinator"])
    detail = client.get(reverse("agreements:report", args=[report.pk])).content.decode()
    check = client.get(reverse("agreements:report_submit", args=[report.pk])).content.decode()
    for html in (detail, check):
        assert "Ska lämnas senast: 2026-11-01" in _facts(html)
        assert report.due_date.isoformat() not in _facts(html)
    assert "Ändrad förfallodag: Enligt mejl" in _facts(detail)


def _hand_in(report, day):
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.SUBMITTED, submitted_at=datetime.combine(day, NOW.timetz())
    )


@pytest.mark.parametrize(
    ("handed_in", "late"),
    [(date(2026, 10, 20), False), (date(2026, 11, 1), False), (date(2026, 11, 2), True)],
)
def test_late_is_after_the_moved_date(client, world, handed_in, late):
    """T2 was due 2026-09-30 and moved to 2026-11-01: handed in by then it is on time."""
    _change(world, "T2", "moved", date(2026, 11, 1))
    report = _report(world, "T2")
    _hand_in(report, handed_in)
    client.force_login(world.users["admin"])
    detail = client.get(reverse("agreements:report", args=[report.pk])).content.decode()
    listing = client.get(reverse("agreements:reports")).content.decode()
    row = listing.split(f'href="{reverse("agreements:report", args=[report.pk])}"')[1]
    row = row.split("</tr>")[0]
    assert ("efter förfallodagen" in _facts(detail)) is late
    assert ("efter förfallodagen" in row) is late
    assert ">2026-11-01<" in row


def _reminders(world, *, today):
    user = world.users["coordinator"]
    user.email = "samordnare@example.org"
    user.save()
    mail.outbox.clear()
    send_reminders(today=today, days_before=14)
    return [m.subject for m in mail.outbox if user.email in m.to]


def test_reminders_go_by_the_moved_date(world):
    assert not [s for s in _reminders(world, today=TODAY) if "T3 2026" in s]
    _change(world, "T3", "moved", date(2026, 10, 20))
    (subject,) = [s for s in _reminders(world, today=TODAY) if "T3 2026" in s]
    assert subject.startswith("Påminnelse") and "2026-10-20" in subject


def test_a_closed_item_is_not_reminded(world):
    assert [s for s in _reminders(world, today=TODAY) if "T2 2026" in s]
    _change(world, "T2", "closed")
    assert not [s for s in _reminders(world, today=TODAY + timedelta(days=1)) if "T2 2026" in s]


def _feed(world):
    body = feed_ics(world.users["coordinator"], today=TODAY, now=NOW)
    return {
        str(e["uid"]): e.decoded("dtstart")
        for e in Calendar.from_ical(body).walk("VEVENT")
        if str(e["uid"]).startswith(f"report-{world.agreement.pk}-")
    }


def test_the_calendar_feed_goes_by_the_moved_date_and_leaves_out_closed_items(world):
    t2, t3 = (f"report-{world.agreement.pk}-2026-{p}@iop" for p in ("T2", "T3"))
    before = _feed(world)
    assert before[t2] == date(2026, 9, 30) and before[t3] != date(2026, 11, 1)
    _change(world, "T3", "moved", date(2026, 11, 1))
    _change(world, "T2", "closed")
    after = _feed(world)
    assert after[t3] == date(2026, 11, 1)
    assert t2 not in after
