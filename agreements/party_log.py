"""What changed in an organisation's record, read from its history, and what a correction
proposes, as the organisation's pages show them."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from agreements.models import Party
from agreements.services.conflicts import show
from agreements.services.organisations import ORGANISATION_FIELDS

# Changes a partner must be able to see: where money goes and who the organisation is.
WATCHED_FIELDS = ("org_number", "bankgiro")


@dataclass(frozen=True)
class RecordChange:
    when: datetime
    who: str
    field: str
    before: str
    after: str


def _label(name):
    return str(Party._meta.get_field(name).verbose_name).capitalize()


def identity_changes(party):
    """Every change of the organisation's organisationsnummer and bankgiro, newest first:
    when, by whom, from what to what (one query)."""
    records = party.history.order_by("history_date", "history_id").values_list(
        "history_date",
        "history_user__username",
        "history_user__first_name",
        "history_user__last_name",
        *WATCHED_FIELDS,
    )
    changes, previous = [], None
    for when, username, first, last, *values in records:
        if previous is not None:
            who = " ".join(p for p in (first, last) if p) or username or _("Okänd")
            for name, before, after in zip(WATCHED_FIELDS, previous, values, strict=True):
                if before != after:
                    changes.append(RecordChange(when, who, _label(name), show(before), show(after)))
        previous = values
    return changes[::-1]


def correction_rows(correction, party):
    """Each field a correction proposes: its label, its value when proposed, now, and
    proposed, as shown."""
    fields = [name for name in correction.values if name in ORGANISATION_FIELDS]
    return [
        {
            "field": _label(name),
            "before": show(correction.before.get(name), Party._meta.get_field(name)),
            "now": show(getattr(party, name), Party._meta.get_field(name)),
            "proposed": show(correction.values[name], Party._meta.get_field(name)),
            "changed_since": correction.before.get(name) != getattr(party, name),
        }
        for name in fields
    ]
