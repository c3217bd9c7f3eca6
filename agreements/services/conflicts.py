"""Edit conflicts: what someone else saved since a form was loaded, and how to keep it.

Each editable thing carries a version (Agreement.version for its details and parties,
Agreement.funding_version for its funding lines and shares, Agreement.obligations_version for
its obligations and targets, Report.version, Meeting.version, Decision.version for a proposal
with its rows and for what was decided, Payment.version, Party.version for an organisation's
record and its contact people). A save finding another version than the one loaded refuses
with EditConflict, which tells who saved in between, what they changed (read from the history),
and which values to replace so that a deliberate second save keeps their change (a three-way
merge, agreements.changes). edit_conflict builds it for any object and its rows; the
agreement, its funding, a report and an organisation have their own builders.

States are {row key: {field: value}}: the object itself under the key None, its rows under their
primary keys. Overrides are {(row key, field): value as a browser would post it}; the form that
shows the conflict knows which posted name each one has.
"""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import changes
from agreements.models import (
    AgreementParty,
    ContactPerson,
    Party,
    Report,
    ReportFigure,
)

from . import DomainError

# Tuples, not lists: an inline formset appends its foreign key to a form's Meta.fields list,
# and the forms name these same constants.
PARTY_FIELDS = ("party", "role", "unit", "short_name")
CONTACT_FIELDS = ("name", "title", "email", "phone")


@dataclass(frozen=True)
class ShownChange:
    """One changed value as the conflict message shows it."""

    where: str
    field: str
    before: str
    after: str
    clash: bool = False


class EditConflict(DomainError):
    """Someone else saved after the user loaded the form; nothing of the user's was saved."""

    def __init__(self, *, who, when, shown, current_version, overrides):
        self.who, self.when, self.changes = who, when, shown
        self.current_version = current_version
        self.overrides = overrides
        super().__init__(
            _(
                "%(who)s sparade ändringar %(when)s, efter att du öppnade sidan. "
                "Det du just skickade är inte sparat."
            )
            % {"who": who, "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M")}
        )

    def data(self, posted, key_of=lambda row, name: name):
        """The posted data with the other's changes where the user changed nothing, and the
        current version, so that saving again keeps both. key_of(row key, field) names the
        posted key of a value (the field's name when there is one row and no prefix)."""
        data = posted.copy()
        for (row, name), value in self.overrides.items():
            key = key_of(row, name)
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        data["version"] = str(self.current_version)
        return data


def loaded(version):
    """The version a form was loaded at; refused when the page did not send one."""
    if version is None:
        raise DomainError(_("Sidan saknar versionsuppgift. Ladda om sidan och försök igen."))
    return version


def later_saves(history, field, version):
    """Historical records saved at a version after the loaded one, oldest first."""
    return list(
        history.filter(**{f"{field}__gt": version})
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )


def _who(saves):
    names = []
    for record in saves:
        user = record.history_user
        name = (user.get_full_name() or user.get_username()) if user else _("Någon annan")
        if name not in names:
            names.append(name)
    return ", ".join(names) or _("Någon annan")


def as_of(history, since):
    """{id: historical record} of the rows as they were just before `since`."""
    rows = {}
    for record in history.filter(history_date__lt=since).order_by("history_date", "history_id"):
        rows[record.id] = None if record.history_type == "-" else record
    return {pk: record for pk, record in rows.items() if record is not None}


def since(saves):
    """When the first save after the loaded version happened (now, if history has none)."""
    return saves[0].history_date if saves else timezone.now()


def conflict(*, saves, current_version, shown, overrides):
    when = saves[-1].history_date if saves else timezone.now()
    return EditConflict(
        who=_who(saves),
        when=when,
        shown=shown,
        current_version=current_version,
        overrides=overrides,
    )


def show(value, field=None):
    """A value as the conflict message shows it."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, models.Model):
        return str(value)
    if field is not None and field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else "–"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _raw(value):
    """A value as a browser would post it (None: leave the key out, as an unticked box)."""
    if value is False:
        return None
    if value is True:
        return "on"
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):  # a list field is a text box with one item per line
        return "\n".join(str(item) for item in value)
    return str(value)


def label(model, name):
    return str(model._meta.get_field(name).verbose_name).capitalize()


def shown_rows(row_changes, clashes, *, where, label, show):
    """ShownChange for each changed value of row_changes (agreements.changes.compare)."""
    shown = []
    for change in row_changes:
        place = where(change.key)
        if change.kind == changes.REMOVED:
            shown.append(ShownChange(place, _("Hela raden"), _("fanns"), _("borttagen")))
            continue
        for field in change.fields:
            before = "–" if change.kind == changes.ADDED else show(field.field, field.before)
            shown.append(
                ShownChange(
                    place,
                    label(field.field),
                    before,
                    show(field.field, field.after),
                    clash=(change.key, field.field) in clashes,
                )
            )
    return shown


def mine(rows, fields):
    """{pk: posted values, or None when deleted} of the rows a save was given that exist."""
    return {
        row["id"]: None
        if row.get("delete")
        else {name: getattr(row.get(name), "pk", row.get(name)) for name in fields}
        for row in rows
        if row.get("id")
    }


def overrides(merged, mine):
    """{(row key, field): value to post} where the merge replaced what the user posted."""
    result = {}
    for key, row in merged.items():
        if row is None:
            continue
        for name, value in row.items():
            if value != mine[key].get(name):
                result[(key, name)] = _raw(value)
    return result


def value_of(row, name):
    """A field's value on a row or historical record, a party as its id."""
    return getattr(row, "party_id" if name == "party" else name)


def snapshot(row, fields):
    """{field: value} of a row or historical record, a related object as its pk."""
    return {name: getattr(row, row._meta.get_field(name).attname) for name in fields}


def posted_values(values, fields):
    """{field: value} of what a form posted, a related object as its pk."""
    return {name: getattr(values.get(name), "pk", values.get(name)) for name in fields}


@dataclass(frozen=True)
class RowGroup:
    """One kind of an object's child rows on its edit page, for edit_conflict."""

    name: str  # the rows' keys are (name, pk)
    label: str  # where a row's change is, e.g. "Åtagande"
    model: type
    parent_field: str  # the rows' foreign key to the object
    fields: tuple
    rows: object  # the rows as saved now (a queryset: read only when there is a conflict)
    posted: list  # as posted, as agreements.services.rows takes them


def edit_conflict(*, instance, version, where, fields=(), posted=None, groups=(), on="version"):
    """EditConflict for a save, from version, of instance's fields (posted: {field: value})
    and of its groups of rows (RowGroup); on names the version field.

    Overrides are keyed (None, field) for the object, ((group name, pk), field) for a row.
    """
    saves = later_saves(instance.history, on, version)
    start = since(saves)
    model = type(instance)
    base, theirs, mine_ = {}, {}, {}
    labels = {None: where}
    if fields:
        before = as_of(model.history.filter(id=instance.pk), start).get(instance.pk)
        theirs[None] = snapshot(instance, fields)
        base[None] = snapshot(before, fields) if before is not None else theirs[None]
        mine_[None] = posted_values(posted or {}, fields)
    models = {None: model}
    for group in groups:
        history = group.model.history.filter(**{f"{group.parent_field}_id": instance.pk})
        recorded = set(history.values_list("id", flat=True))
        for pk, record in as_of(history, start).items():
            base[(group.name, pk)] = snapshot(record, group.fields)
            labels[(group.name, pk)] = f"{group.label}: {record.instance}"
        for row in group.rows:
            key = (group.name, row.pk)
            theirs[key] = snapshot(row, group.fields)
            labels[key] = f"{group.label}: {row}"
            if row.pk not in recorded:  # written in bulk, without history: as it is now
                base[key] = theirs[key]
        for pk, values in mine(group.posted, group.fields).items():
            mine_[(group.name, pk)] = values
        models[group.name] = group.model
    merged, clashes = changes.merge(base, theirs, mine_)

    def model_of(key):
        return models[None if key is None else key[0]]

    shown = []
    for change in changes.compare(base, theirs):
        model_here = model_of(change.key)
        place = labels.get(change.key, labels[None])
        shown += shown_rows(
            [change],
            clashes,
            where=lambda key, place=place: place,
            label=lambda name, m=model_here: label(m, name),
            show=lambda name, value, m=model_here: show(value, m._meta.get_field(name)),
        )
    return conflict(
        saves=saves,
        current_version=getattr(instance, on),
        shown=shown,
        overrides=overrides(merged, mine_),
    )


def check_version(instance, version, *, where, posted=None, groups=(), on="version"):
    """Refuse with EditConflict (edit_conflict) unless the locked instance is still at the
    version its form was loaded at."""
    if getattr(instance, on) != loaded(version):
        raise edit_conflict(
            instance=instance,
            version=version,
            where=where,
            fields=list(posted or ()),
            posted=posted,
            groups=groups,
            on=on,
        )


def party_names(*states):
    ids = {row.get("party") for state in states for row in state.values() if row}
    return dict(Party.objects.filter(pk__in=ids).values_list("pk", "name"))


def merge_details(obj, version, details, fields=None):
    """The three-way merge of an object's own fields ({field: value} as posted) from version,
    for its conflict: (the later saves, when they began, the changes to show, the overrides).
    fields: those compared, if more than the posted ones (the others as the user loaded them).
    """
    model = type(obj)
    saves = later_saves(obj.history, "version", version)
    start = since(saves)
    fields = list(details) if fields is None else list(fields)
    before = as_of(model.history.filter(id=obj.pk), start).get(obj.pk)
    theirs = {None: {name: getattr(obj, name) for name in fields}}
    base = {None: {name: getattr(before, name) for name in fields}} if before else theirs
    posted = {None: base[None] | {name: details.get(name) for name in details}}
    merged, clashes = changes.merge(base, theirs, posted)
    shown = shown_rows(
        changes.compare(base, theirs),
        clashes,
        where=lambda key: _("Uppgifter"),
        label=lambda name: label(model, name),
        show=lambda name, value: show(value, model._meta.get_field(name)),
    )
    return saves, start, shown, overrides(merged, posted)


def merge_rows(history, current, posted, fields, start):
    """The three-way merge of an object's child rows of fields, from their history records
    (before start), the rows now and the rows posted (as agreements.services.rows takes them):
    (base, theirs, where both changed, the overrides)."""

    def snapshot(row):
        return {name: value_of(row, name) for name in fields}

    base = {pk: snapshot(record) for pk, record in as_of(history, start).items()}
    theirs = {row.pk: snapshot(row) for row in current}
    posted_rows = mine(posted, fields)
    merged, clashes = changes.merge(base, theirs, posted_rows)
    return base, theirs, clashes, overrides(merged, posted_rows)


def agreement_conflict(agreement, version, details, parties):
    """EditConflict for a save of details ({field: value}) and party rows from version."""
    saves, start, shown, replace = merge_details(agreement, version, details)
    rows_base, rows_theirs, row_clashes, row_replace = merge_rows(
        AgreementParty.history.filter(agreement_id=agreement.pk),
        agreement.parties.all(),
        parties,
        PARTY_FIELDS,
        start,
    )
    replace |= row_replace
    names = party_names(rows_base, rows_theirs)

    def where(key):
        row = rows_theirs.get(key) or rows_base.get(key) or {}
        return names.get(row.get("party"), "–")

    def show_party_field(name, value):
        if name == "party":
            return names.get(value, "–")
        return show(value, AgreementParty._meta.get_field(name))

    shown += shown_rows(
        changes.compare(rows_base, rows_theirs),
        row_clashes,
        where=lambda key: _("Part: %(name)s") % {"name": where(key)},
        label=lambda name: label(AgreementParty, name),
        show=show_party_field,
    )
    return conflict(saves=saves, current_version=agreement.version, shown=shown, overrides=replace)


def organisation_conflict(party, version, details, contacts):
    """EditConflict for a save of an organisation's record ({field: value}) and its contact
    people (rows as agreements.services.rows takes them) from version."""
    saves, start, shown, replace = merge_details(party, version, details)
    rows_base, rows_theirs, row_clashes, row_replace = merge_rows(
        ContactPerson.history.filter(party_id=party.pk),
        party.contacts.all(),
        contacts,
        CONTACT_FIELDS,
        start,
    )
    replace |= row_replace

    def where(key):
        row = rows_theirs.get(key) or rows_base.get(key) or {}
        return _("Kontaktperson: %(name)s") % {"name": row.get("name") or "–"}

    shown += shown_rows(
        changes.compare(rows_base, rows_theirs),
        row_clashes,
        where=where,
        label=lambda name: label(ContactPerson, name),
        show=lambda name, value: show(value),
    )
    return conflict(saves=saves, current_version=party.version, shown=shown, overrides=replace)


def check_report_version(*, report, version, text, figures):
    """Refuse with EditConflict unless the locked report is still at the loaded version."""
    if report.version != loaded(version):
        raise _report_conflict(report, version, text, figures)


def _report_conflict(report, version, text, figures):
    saves = later_saves(report.history, "version", version)
    start = since(saves)
    before = as_of(Report.history.filter(id=report.pk), start).get(report.pk)
    base_figures = {
        r.target_id: r.value
        for r in as_of(ReportFigure.history.filter(report_id=report.pk), start).values()
    }
    now_figures = dict(report.figures.values_list("target_id", "value"))
    targets = {target.pk: target for target in figures}

    def state(text_value, values):
        row = {"text": text_value}
        row |= {f"target_{pk}": values.get(pk) for pk in targets}
        return {None: row}

    theirs = state(report.text, now_figures)
    base = state(before.text, base_figures) if before else theirs
    posted = state(text, {target.pk: value for target, value in figures.items()})
    merged, clashes = changes.merge(base, theirs, posted)

    def field_label(name):
        if name == "text":
            return label(Report, "text")
        return targets[int(name.removeprefix("target_"))].description

    shown = shown_rows(
        changes.compare(base, theirs),
        clashes,
        where=lambda key: _("Rapporten"),
        label=field_label,
        show=lambda name, value: show(value),
    )
    return conflict(
        saves=saves,
        current_version=report.version,
        shown=shown,
        overrides=overrides(merged, posted),
    )


# What a reviewer reads and decides: a save of any of them since the page was loaded means
# the review would be of something else than what was read.
REVIEWED_FIELDS = ("status", "text", "review_comment")


def check_review_version(*, report, version, comment):
    """Refuse a review (comment as posted) with EditConflict unless the locked report is
    still at the version its review page was loaded at."""
    if report.version != loaded(version):
        raise _review_conflict(report, version, comment)


def _review_conflict(report, version, comment):
    # Only the comment is the reviewer's to change; the rest is what was read.
    details = {"review_comment": comment}
    saves, _start, shown, replace = merge_details(report, version, details, REVIEWED_FIELDS)
    key = (None, "review_comment")
    # The review form posts the comment as "comment", and none of the other fields.
    replace = {(None, "comment"): replace[key]} if key in replace else {}
    return conflict(saves=saves, current_version=report.version, shown=shown, overrides=replace)
