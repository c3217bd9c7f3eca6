"""An agreement's history as its page shows it: who added, changed or removed what, and when,
read from django-simple-history's records of the agreement and of every row that belongs to
it (parties, text, signatories, contributions, obligations, targets, exclusions, meetings,
reports, funding lines, shares, payment plans and payments).

One query per kind of row and one per kind of related object named in the changes, however
many records: the records of one row are all read, so each change is compared with the record
before it in Python.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy

from agreements.models import (
    Agreement,
    AgreementParty,
    AgreementSection,
    CapacityTarget,
    Exclusion,
    Meeting,
    Obligation,
    Report,
    ReportFigure,
    ResourceContribution,
    Signatory,
)
from agreements.services.conflicts import show
from funding.models import FundingLine, Payment, PaymentPlan, Share

# Bookkeeping a person did not change: versions for optimistic locking, timestamps.
SKIPPED = {"id", "updated_at", "created_at", "version", "funding_version", "obligations_version"}
# Longer texts are shown shortened; the object's own page shows them whole.
SHOWN_LENGTH = 200
# The field that names a row in the history, per model (else its primary key).
NAMED_BY = ("title", "heading", "name", "description", "purpose")
ACTIONS = {
    "+": gettext_lazy("Lades till"),
    "~": gettext_lazy("Ändrades"),
    "-": gettext_lazy("Togs bort"),
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    what: str
    action: str
    changes: tuple


def _sources(pk):
    """(model, its history records that belong to the agreement) for each kind of row."""
    parties = AgreementParty.history.filter(agreement_id=pk).values("id")
    lines = FundingLine.history.filter(agreement_id=pk).values("id")
    reports = Report.history.filter(agreement_id=pk).values("id")
    return [
        (Agreement, Agreement.history.filter(id=pk)),
        *(
            (model, model.history.filter(agreement_id=pk))
            for model in (
                AgreementParty,
                AgreementSection,
                Obligation,
                CapacityTarget,
                Exclusion,
                Meeting,
                Report,
                FundingLine,
            )
        ),
        *(
            (model, model.history.filter(agreement_party_id__in=parties))
            for model in (Signatory, ResourceContribution)
        ),
        (ReportFigure, ReportFigure.history.filter(report_id__in=reports)),
        *(
            (model, model.history.filter(line_id__in=lines))
            for model in (Share, PaymentPlan, Payment)
        ),
    ]


def _fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIPPED and not getattr(f, "auto_now", False)
    ]


def _names_of_related(records_by_model):
    """{(related model, pk): name} for every object a change or a row's name refers to (one
    query per related model)."""
    wanted = {}
    for model, records in records_by_model:
        for field in _fields(model):
            if field.is_relation:
                ids = {getattr(r, field.attname) for r in records} - {None}
                wanted.setdefault(field.related_model, set()).update(ids)
    names = {}
    for related, ids in wanted.items():
        objects = related._default_manager.filter(pk__in=ids)
        if related is FundingLine:
            objects = objects.select_related("party")
        for obj in objects:
            names[(related, obj.pk)] = _name_of(obj)
    return names


def _line_name(party_name, purpose):
    return ", ".join(p for p in (party_name, purpose) if p) or "–"


def _name_of(obj):
    if isinstance(obj, get_user_model()):
        return obj.get_full_name() or obj.get_username()
    if isinstance(obj, FundingLine):
        return _line_name(obj.party.name, obj.purpose)
    for name in NAMED_BY:
        value = getattr(obj, name, None)
        if value and isinstance(value, str):
            return _shorten(value, 60)
    if hasattr(obj, "year"):
        return str(obj.year)
    return f"#{obj.pk}"


def _shorten(text, length=SHOWN_LENGTH):
    return text if len(text) <= length else text[: length - 1] + "…"


def _value(field, record, names):
    raw = getattr(record, field.attname)
    if field.is_relation:
        return "–" if raw is None else names.get((field.related_model, raw), f"#{raw}")
    shown = show(raw, field)
    return _shorten(shown) if isinstance(shown, str) else shown


def _row_name(model, record, names):
    if model is AgreementParty:
        return names.get(
            (AgreementParty._meta.get_field("party").related_model, record.party_id), "–"
        )
    if model is FundingLine:
        party = names.get((FundingLine._meta.get_field("party").related_model, record.party_id))
        return _line_name(party, record.purpose)
    if model is Report:
        return f"{record.year} {record.period}"
    if model in (Share, Payment):
        return f"{record.year}: {names.get((FundingLine, record.line_id), '–')}"
    if model is PaymentPlan:
        return names.get((FundingLine, record.line_id), "–")
    for name in NAMED_BY:
        value = getattr(record, name, None)
        if value and isinstance(value, str):
            return _shorten(value, 60)
    if model is Meeting:
        return show(record.date)
    if model is Obligation:
        return show(record.kind, Obligation._meta.get_field("kind"))
    if hasattr(record, "year"):
        return str(record.year)
    return f"#{record.id}"


def agreement_history(agreement):
    """Every recorded change of the agreement and its rows, newest first."""
    records_by_model = []
    for model, history in _sources(agreement.pk):
        records = list(
            history.select_related("history_user").order_by("history_date", "history_id")
        )
        records_by_model.append((model, records))
    names = _names_of_related(records_by_model)
    entries = []
    for model, records in records_by_model:
        fields = _fields(model)
        previous = {}
        label = str(model._meta.verbose_name).capitalize()
        for record in records:
            before = previous.get(record.id)
            previous[record.id] = record
            changes = ()
            if record.history_type == "~" and before is not None:
                changes = tuple(
                    FieldChange(
                        str(f.verbose_name).capitalize(),
                        _value(f, before, names),
                        _value(f, record, names),
                    )
                    for f in fields
                    if getattr(before, f.attname) != getattr(record, f.attname)
                )
                if not changes:
                    continue  # only bookkeeping changed
            user = record.history_user
            who = (user.get_full_name() or user.get_username()) if user else "–"
            what = f"{label}: {_row_name(model, record, names)}"
            entries.append(
                HistoryEntry(
                    record.history_date, who, what, str(ACTIONS[record.history_type]), changes
                )
            )
    return sorted(entries, key=lambda e: e.when, reverse=True)
