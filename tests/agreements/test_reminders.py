"""send_reminders: a window before the due date, once when overdue, never twice."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from agreements.models import Agreement, AgreementStatus, ReminderLog, Report
from agreements.services.reminders import phase_of, send_reminders
from agreements.services.reports import ensure_reports
from tests.factories import make_agreement, make_party

pytestmark = pytest.mark.django_db


def vasterbotten():
    return Agreement.objects.get(parties__party__name="Region Västerbotten")


def test_reminds_responsible_users_before_and_when_overdue(demo):
    run = send_reminders(today=date(2026, 5, 20), days_before=14)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    # SRK reports T1 2026 by 2026-05-30; the region's January payment is overdue.
    t1 = by_recipient["rodakorset@example.se"]
    assert "Tertialrapport T1 2026" in t1.subject and "2026-05-30" in t1.subject
    assert t1.subject.startswith("Påminnelse")
    payment = by_recipient["region.vasterbotten@example.se"]
    assert payment.subject.startswith("Försenat") and "Utbetalning 2026" in payment.subject
    assert run.sent == len(mail.outbox) == 2
    assert ReminderLog.objects.count() == 2


def test_running_twice_the_same_day_sends_nothing_twice(demo):
    send_reminders(today=date(2026, 5, 20), days_before=14)
    first = len(mail.outbox)
    run = send_reminders(today=date(2026, 5, 20), days_before=14)
    assert (run.sent, run.already_sent) == (0, first)
    assert len(mail.outbox) == first
    # Nor the next day, still inside the window.
    send_reminders(today=date(2026, 5, 21), days_before=14)
    assert len(mail.outbox) == first


def test_a_missed_run_still_sends_and_overdue_is_sent_once(demo):
    # Nothing ran on 2026-05-16 (the window's first day); 2026-05-29 still sends.
    send_reminders(today=date(2026, 5, 29), days_before=14)
    assert any("T1 2026" in m.subject for m in mail.outbox)
    mail.outbox.clear()
    send_reminders(today=date(2026, 5, 31), days_before=14)
    overdue = [m for m in mail.outbox if "T1 2026" in m.subject]
    assert len(overdue) == 1 and overdue[0].subject.startswith("Försenat")
    mail.outbox.clear()
    send_reminders(today=date(2026, 6, 5), days_before=14)
    assert not [m for m in mail.outbox if "T1 2026" in m.subject]


def test_nothing_is_sent_before_the_window_opens(demo):
    send_reminders(today=date(2026, 5, 10), days_before=14)
    assert not [m for m in mail.outbox if "T1 2026" in m.subject]


def test_a_moved_due_date_is_reminded_again(demo):
    agreement = vasterbotten()
    send_reminders(today=date(2026, 5, 20), days_before=14)
    ensure_reports(agreement)
    Report.objects.filter(agreement=agreement, year=2026, period="T1").update(
        due_date=date(2026, 6, 2), due_date_reason="Förlängd"
    )
    mail.outbox.clear()
    send_reminders(today=date(2026, 5, 21), days_before=14)
    (moved,) = [m for m in mail.outbox if "T1 2026" in m.subject]
    assert "2026-06-02" in moved.subject and "Förlängd" in moved.body


def test_command_takes_today_and_ends_expired_agreements(demo, capsys):
    region, org = make_party(kind="region"), make_party()
    old = make_agreement(
        region, org, start=date(2023, 1, 1), end=date(2025, 12, 31), status=AgreementStatus.ACTIVE
    )
    call_command("send_reminders", "--today", "2026-05-20")
    old.refresh_from_db()
    assert old.status == AgreementStatus.ENDED
    assert old.history.first().status == AgreementStatus.ENDED
    out = capsys.readouterr().out
    assert "1 avslutade" in out
    assert vasterbotten().status == AgreementStatus.ACTIVE
    call_command("send_reminders", "--today", "2026-05-20")
    assert "0 påminnelser skickade" in capsys.readouterr().out


def test_phase_window():
    class D:
        due_date = date(2026, 5, 30)

    assert phase_of(D, today=date(2026, 5, 15), days_before=14) is None
    assert phase_of(D, today=date(2026, 5, 16), days_before=14) == "before"
    assert phase_of(D, today=date(2026, 5, 29), days_before=14) == "before"
    assert phase_of(D, today=date(2026, 5, 30), days_before=14) is None
    assert phase_of(D, today=date(2026, 5, 31), days_before=14) == "overdue"


def test_reminder_links_are_absolute(settings, demo):
    from django.core import mail
    from django.core.management import call_command

    settings.SITE_URL = "https://iop.example.se"
    call_command("send_reminders", "--today", "2026-11-25")
    bodies = [m.body for m in mail.outbox if "Läs mer:" in m.body]
    assert bodies and all("Läs mer: https://iop.example.se/" in b for b in bodies)
