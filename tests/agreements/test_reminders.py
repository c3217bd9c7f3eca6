"""send_reminders: a window before the due date, once when overdue, never twice."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from agreements.models import (
    Agreement,
    AgreementStatus,
    Decision,
    DecisionCondition,
    Party,
    ReminderLog,
    Report,
    Role,
)
from agreements.services.reminders import phase_of, send_reminders
from agreements.services.reports import ensure_reports
from tests.factories import make_agreement, make_party, make_user

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
    assert payment.subject.startswith("Försenat") and "Betalning 2026" in payment.subject
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


def test_a_newline_in_a_name_or_body_still_sends_every_reminder(demo, capsys):
    # Names and bodies are typed in one-line fields, but a post (or an older version) can put
    # a line break in them; a line break in an e-mail header is refused by Django.
    Party.objects.filter(name="Region Västerbotten").update(name="Region\nVästerbotten")
    region, town = make_party(kind="region"), make_party(kind="municipality")
    make_user(party=town, role=Role.ADMINISTRATOR, email="kommun@example.se")
    pending = make_agreement(region, town, make_party(), start=date(2026, 6, 1))
    decision = Decision.objects.create(organisation=region, body="Regionstyrelsen")
    decision.agreements.add(pending)
    DecisionCondition.objects.create(
        decision=decision, party=town, body="Arbetsmarknads-\r\noch socialnämnden"
    )
    call_command("send_reminders", "--today", "2026-05-20", "--days-before", "14")
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["region.vasterbotten@example.se"].startswith(
        "Försenat: Betalning 2026 från Region Västerbotten:"
    )
    assert "Arbetsmarknads- och socialnämnden" in subjects["kommun@example.se"]
    assert "Tertialrapport T1 2026" in subjects["rodakorset@example.se"]
    assert "3 påminnelser skickade" in capsys.readouterr().out


def test_a_reminder_the_mail_system_refuses_is_logged_and_skipped(demo, caplog, capsys):
    # An address stored before it was checked: the e-mail cannot be built, the others go out.
    get_user_model().objects.filter(email="rodakorset@example.se").update(
        email="rodakorset@example.se\nBcc: alla@example.se"
    )
    call_command("send_reminders", "--today", "2026-05-20", "--days-before", "14")
    assert [m.to for m in mail.outbox] == [["region.vasterbotten@example.se"]]
    out = capsys.readouterr().out
    assert "1 påminnelser skickade" in out and "1 gick inte att skicka" in out
    failed = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(failed) == 1 and "failed" in failed[0].getMessage()
    # Nothing is logged as sent: the next run tries again (and skips it again).
    assert not ReminderLog.objects.filter(user__username="rodakorset").exists()
    run = send_reminders(today=date(2026, 5, 21), days_before=14)
    assert (run.sent, run.already_sent, run.failed) == (0, 1, 1)
