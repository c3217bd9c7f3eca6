"""Daily reminders by e-mail, and agreements that end on their own.

Run once a day (cron or a systemd timer): `python manage.py send_reminders`. Each reminder
is keyed by deadline, due date and phase ('before' or 'overdue') and logged per user in
ReminderLog before it is sent, so a second run the same day (or any later day) sends nothing
twice; a run that is missed is caught up by the next one because reminders go out for a
window of days, never only on one exact day.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ..due.loading import deadlines_for
from ..due.rules import PENDING, RUNNING
from ..models import Agreement, AgreementStatus, Membership, ReminderLog

log = logging.getLogger(__name__)


@dataclass
class ReminderRun:
    sent: int = 0
    already_sent: int = 0
    failed: int = 0
    ended: list = field(default_factory=list)


# What became of one reminder: each names the counter of ReminderRun it adds to.
SENT, ALREADY_SENT, FAILED = "sent", "already_sent", "failed"


def end_expired_agreements(*, today):
    """Move active agreements whose end date has passed to 'ended' (with history)."""
    ended = []
    with transaction.atomic():
        for agreement in Agreement.objects.select_for_update().filter(
            status=AgreementStatus.ACTIVE, period_end__lt=today
        ):
            agreement.status = AgreementStatus.ENDED
            agreement.save(update_fields=["status", "updated_at"])
            ended.append(agreement)
    return ended


def phase_of(deadline, *, today, days_before):
    """'before' in the window due − days <= today < due, 'overdue' after due, else None."""
    if today < deadline.due_date and (deadline.due_date - today).days <= days_before:
        return "before"
    if today > deadline.due_date:
        return "overdue"
    return None


def _recipients(deadlines):
    """{party id: [users]} for every party a reminder can go to (one query)."""
    party_ids = set()
    for d in deadlines:
        if d.responsible_party_id:
            party_ids.add(d.responsible_party_id)
        else:
            party_ids |= {ap.party_id for ap in d.agreement.parties.all()}
    by_party = {}
    memberships = (
        Membership.objects.filter(party_id__in=party_ids, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    for m in memberships:
        users = by_party.setdefault(m.party_id, [])
        if m.user not in users:
            users.append(m.user)
    return by_party


def _users_for(deadline, by_party):
    if deadline.responsible_party_id:
        party_ids = [deadline.responsible_party_id]
    else:
        party_ids = [ap.party_id for ap in deadline.agreement.parties.all()]
    users = []
    for pid in party_ids:
        for user in by_party.get(pid, []):
            if user not in users:
                users.append(user)
    return users


def _message(deadline, phase):
    values = {
        "what": deadline.title,
        "due": deadline.due_date.isoformat(),
        "agreement": deadline.agreement.title,
    }
    if phase == "overdue":
        subject = _("Försenat: %(what)s (skulle vara klart %(due)s)") % values
    else:
        subject = _("Påminnelse: %(what)s senast %(due)s") % values
    lines = [
        _("Överenskommelse: %(agreement)s") % values,
        _("Vad: %(what)s") % values,
        _("Senast: %(due)s") % values,
    ]
    if deadline.detail:
        lines.append(deadline.detail)
    if deadline.url:
        base = settings.SITE_URL
        lines.append(_("Läs mer: %(url)s") % {"url": f"{base}{deadline.url}"})
    lines += ["", _("Det här är en automatisk påminnelse från IOP. Den skickas en gång.")]
    return one_line(subject)[:300], "\n".join(lines)


def one_line(text):
    """The text on one line, runs of white space as one space: a header value never holds a
    line break (names and texts people typed may)."""
    return " ".join(text.split())


def send_reminders(*, today, days_before=None):
    """E-mail the responsible organisation's users before each due date and once when overdue.

    The e-mails are in the site's language, whatever language the calling thread has active.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _send_reminders(today=today, days_before=days_before)


def _send_reminders(*, today, days_before):
    days = settings.REMINDER_DAYS_BEFORE if days_before is None else days_before
    run = ReminderRun(ended=end_expired_agreements(today=today))
    agreements = Agreement.objects.filter(status__in=set(RUNNING) | set(PENDING))
    deadlines = [
        d
        for d in deadlines_for(agreements, today=today, horizon_days=days, soon_days=days)
        if phase_of(d, today=today, days_before=days)
    ]
    by_party = _recipients(deadlines)
    for deadline in deadlines:
        phase = phase_of(deadline, today=today, days_before=days)
        key = f"{deadline.key}:{deadline.due_date.isoformat()}:{phase}"
        subject, body = _message(deadline, phase)
        for user in _users_for(deadline, by_party):
            outcome = _send_one(user, deadline, key, subject, body)
            setattr(run, outcome, getattr(run, outcome) + 1)
    return run


def _send_one(user, deadline, key, subject, body):
    """Log and send one reminder: SENT, ALREADY_SENT (logged before) or FAILED."""
    # Log first, inside the transaction: if sending fails the log rolls back and the next run
    # retries; if the log exists the reminder went out already.
    try:
        with transaction.atomic():
            _entry, created = ReminderLog.objects.get_or_create(
                user=user,
                key=key,
                defaults={
                    "agreement": deadline.agreement,
                    "due_date": deadline.due_date,
                    "subject": subject,
                },
            )
            if created:
                send_mail(subject, body, None, [user.email])
    except IntegrityError:  # a concurrent run logged it first
        return ALREADY_SENT
    except Exception:
        # One reminder the mail system refuses (a stored address it cannot use) must not stop
        # the others, of every organisation, on this run and every later one.
        log.exception("reminder %s to user %s failed", key, user.pk)
        return FAILED
    if not created:
        return ALREADY_SENT
    log.info("reminder %s sent to user %s", key, user.pk)
    return SENT
