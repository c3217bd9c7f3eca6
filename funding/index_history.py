"""Who published, corrected and withdrew the values of an index series, read off their history.

Every add, correction and withdrawal is a historical record (django-simple-history) with its
user, time and, for corrections and withdrawals, the reason given; a withdrawn value is gone
from the series but stays in its history.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import IndexValue

ADDED, CORRECTED, WITHDRAWN = "+", "~", "-"
WHAT = {ADDED: _("Lagt in"), CORRECTED: _("Rättat"), WITHDRAWN: _("Tillbakadraget")}


@dataclass(frozen=True)
class PublishedValue:
    """A current value, with the records of its addition and latest correction (None when
    not recorded, e.g. values loaded before their history was kept)."""

    value: IndexValue
    added: object
    corrected: object


@dataclass(frozen=True)
class Change:
    """One recorded change of a value, with the record it replaced (None for an addition)."""

    record: object
    before: object

    @property
    def what(self):
        return WHAT.get(self.record.history_type, "")


def series_history(series):
    """(the series' values with who added and last corrected each, every recorded change
    newest first), in two queries."""
    records = list(
        IndexValue.history.filter(series_id=series.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    added, corrected, latest, changes = {}, {}, {}, []
    for record in records:
        if record.history_type == ADDED:
            added[record.id] = record
        elif record.history_type == CORRECTED:
            corrected[record.id] = record
        changes.append(Change(record, latest.get(record.id)))
        latest[record.id] = record
    values = [
        PublishedValue(value, added.get(value.pk), corrected.get(value.pk))
        for value in series.values.all()
    ]
    return values, changes[::-1]
