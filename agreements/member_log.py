"""The history of an organisation's members, read from the history of its memberships and
invitations, as its members pages show it: who did what to whose membership, and when."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from agreements.models import Invitation, Membership, Role


@dataclass(frozen=True)
class MemberChange:
    when: datetime
    who: str
    member: str
    what: str


def _name(user):
    if user is None:
        return _("Okänd")
    return user.get_full_name() or user.get_username()


def _role(value):
    return str(Role(value).label).lower() if value in Role.values else value


def _membership_changes(party):
    records = list(
        Membership.history.filter(party_id=party.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    members = get_user_model().objects.in_bulk({r.user_id for r in records})
    previous, changes = {}, []
    for record in records:
        before = previous.get(record.id)
        member = _name(members.get(record.user_id))
        if record.history_type == "+":
            what = _("Fick rollen %(role)s") % {"role": _role(record.role)}
        elif record.history_type == "-":
            what = _("Togs bort (%(role)s)") % {"role": _role(record.role)}
        elif before is not None and before.role != record.role:
            what = _("Rollen ändrades från %(before)s till %(after)s") % {
                "before": _role(before.role),
                "after": _role(record.role),
            }
        else:
            what = None
        previous[record.id] = record
        if what:
            who = _name(record.history_user)
            changes.append(MemberChange(record.history_date, who, member, what))
    return changes


def _invitation_changes(party):
    records = (
        Invitation.history.filter(party_id=party.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes, seen = [], {}
    for record in records:
        before = seen.get(record.id)
        role = _role(record.role)
        if record.history_type == "+":
            what = _("Bjöds in som %(role)s") % {"role": role}
        elif record.accepted_at and not (before and before.accepted_at):
            what = _("Antog inbjudan som %(role)s") % {"role": role}
        elif record.revoked_at and not (before and before.revoked_at):
            what = _("Inbjudan som %(role)s återkallades") % {"role": role}
        else:
            what = None
        seen[record.id] = record
        if what:
            changes.append(
                MemberChange(record.history_date, _name(record.history_user), record.email, what)
            )
    return changes


def membership_changes(party):
    """Every change of the organisation's memberships and invitations, newest first (three
    queries, however many)."""
    changes = _membership_changes(party) + _invitation_changes(party)
    return sorted(changes, key=lambda c: c.when, reverse=True)
