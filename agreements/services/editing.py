"""Saving what administrators edit in forms: one transaction each, with optimistic locking.

Each editable thing carries a version (Agreement.version for its details and parties,
Agreement.funding_version for its funding lines and shares, Report.version for a report). The
form posts back the version it was loaded at; a save finding another version refuses with
EditConflict, which tells who saved in between, what they changed (read from the history), and
which posted values to replace so that a deliberate second save keeps their change.
"""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.forms.models import construct_instance
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import changes
from agreements.models import Agreement, AgreementParty, Party, Report, ReportFigure
from funding.models import FundingLine, Share
from funding.money import format_kr

from . import DomainError

PARTY_FIELDS = ["party", "role", "unit", "short_name"]
LINE_FIELDS = ["party", "kind", "purpose", "budget"]


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

    def data(self, posted):
        """The posted data with the other's changes where the user changed nothing, and the
        current version, so that saving again keeps both."""
        data = posted.copy()
        for key, value in self.overrides.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        data["version"] = str(self.current_version)
        return data


# --- Saving ---------------------------------------------------------------------------------


def save_agreement(*, form, parties, version, by):
    """Create or update an agreement with its parties, all or nothing.

    version is the Agreement.version the form was loaded at (None when creating).
    """
    try:
        with transaction.atomic():
            if form.instance.pk is None:
                agreement = form.save(commit=False)
            else:
                agreement = Agreement.objects.select_for_update().get(pk=form.instance.pk)
                if agreement.version != _loaded(version):
                    raise _agreement_conflict(agreement, version, form, parties)
                construct_instance(form, agreement, fields=form._meta.fields)
                agreement.version += 1
            agreement._history_user = by
            agreement.save()
            parties.instance = agreement
            _save_formset(parties, by)
    except ProtectedError:
        raise DomainError(
            _("Parten kan inte tas bort: den har finansiering, rapporter eller beslut.")
        ) from None
    except IntegrityError:
        raise DomainError(_("Någon annan ändrade samtidigt. Kontrollera och spara igen.")) from None
    return agreement


def save_funding(*, agreement, formset, version, by):
    """Save an agreement's funding lines with their yearly shares, all or nothing.

    version is the Agreement.funding_version the form was loaded at.
    """
    try:
        with transaction.atomic():
            locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
            if locked.funding_version != _loaded(version):
                raise _funding_conflict(locked, version, formset)
            locked.funding_version += 1
            locked._history_user = by
            locked.save(update_fields=["funding_version", "updated_at"])
            _save_formset(formset, by)
    except ProtectedError:
        raise DomainError(_("En rad med registrerade betalningar kan inte tas bort.")) from None
    except IntegrityError:
        raise DomainError(_("Någon annan ändrade samtidigt. Kontrollera och spara igen.")) from None
    agreement.funding_version = locked.funding_version
    return locked


def check_report_version(*, report, version, text, figures):
    """Refuse with EditConflict unless the locked report is still at the loaded version."""
    if report.version != _loaded(version):
        raise _report_conflict(report, version, text, figures)


def _loaded(version):
    if version is None:
        raise DomainError(_("Sidan saknar versionsuppgift. Ladda om sidan och försök igen."))
    return version


def _save_formset(formset, by):
    for form in formset.forms:
        form.instance._history_user = by
    formset.save()


# --- Describing the other's change ----------------------------------------------------------


def _later_saves(history, field, version):
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


def _as_of(history, since):
    """{id: historical record} of the rows as they were just before `since`."""
    rows = {}
    for record in history.filter(history_date__lt=since).order_by("history_date", "history_id"):
        rows[record.id] = None if record.history_type == "-" else record
    return {pk: record for pk, record in rows.items() if record is not None}


def _conflict(*, saves, current_version, shown, overrides):
    when = saves[-1].history_date if saves else timezone.now()
    return EditConflict(
        who=_who(saves),
        when=when,
        shown=shown,
        current_version=current_version,
        overrides=overrides,
    )


def _show(value, field=None):
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, date):
        return value.isoformat()
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
    return str(value)


def _label(model, name):
    return str(model._meta.get_field(name).verbose_name).capitalize()


def _shown_rows(row_changes, clashes, *, where, label, show):
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


def _posted_rows(formset, fields):
    """({pk: form}, {pk: posted values or None when deleted}) of a formset's saved rows."""
    forms = {f.instance.pk: f for f in formset.forms if f.instance.pk and f.cleaned_data}
    rows = {
        pk: None
        if f.cleaned_data.get("DELETE")
        else {
            name: getattr(f.cleaned_data.get(name), "pk", f.cleaned_data.get(name))
            for name in fields
        }
        for pk, f in forms.items()
    }
    return forms, rows


def _overrides(merged, mine, key_of):
    """Posted keys whose value the merge replaced, with the value to post instead."""
    result = {}
    for key, row in merged.items():
        if row is None:
            continue
        for name, value in row.items():
            if value != mine[key].get(name):
                result[key_of(key, name)] = _raw(value)
    return result


def _agreement_conflict(agreement, version, form, parties):
    saves = _later_saves(agreement.history, "version", version)
    since = saves[0].history_date if saves else timezone.now()
    fields = list(form._meta.fields)
    before = _as_of(Agreement.history.filter(id=agreement.pk), since).get(agreement.pk)
    theirs = {None: {name: getattr(agreement, name) for name in fields}}
    base = {None: {name: getattr(before, name) for name in fields}} if before else theirs
    mine = {None: {name: form.cleaned_data.get(name) for name in fields}}
    merged, clashes = changes.merge(base, theirs, mine)
    overrides = _overrides(merged, mine, lambda key, name: form.add_prefix(name))

    def snapshot(row):
        return {name: _value(row, name) for name in PARTY_FIELDS}

    rows_base = {
        pk: snapshot(r)
        for pk, r in _as_of(AgreementParty.history.filter(agreement_id=agreement.pk), since).items()
    }
    rows_theirs = {ap.pk: snapshot(ap) for ap in agreement.parties.all()}
    forms, rows_mine = _posted_rows(parties, PARTY_FIELDS)
    rows_merged, row_clashes = changes.merge(rows_base, rows_theirs, rows_mine)
    overrides |= _overrides(
        rows_merged,
        rows_mine,
        lambda key, name: forms[key].add_prefix(name),
    )
    names = _party_names(rows_base, rows_theirs)

    def where(key):
        row = rows_theirs.get(key) or rows_base.get(key) or {}
        return names.get(row.get("party"), "–")

    def show_party_field(name, value):
        if name == "party":
            return names.get(value, "–")
        return _show(value, AgreementParty._meta.get_field(name))

    shown = _shown_rows(
        changes.compare(base, theirs),
        clashes,
        where=lambda key: _("Uppgifter"),
        label=lambda name: _label(Agreement, name),
        show=lambda name, value: _show(value, Agreement._meta.get_field(name)),
    ) + _shown_rows(
        changes.compare(rows_base, rows_theirs),
        row_clashes,
        where=lambda key: _("Part: %(name)s") % {"name": where(key)},
        label=lambda name: _label(AgreementParty, name),
        show=show_party_field,
    )
    return _conflict(
        saves=saves, current_version=agreement.version, shown=shown, overrides=overrides
    )


def _value(row, name):
    """A field's value on a row or historical record, a party as its id."""
    return getattr(row, "party_id" if name == "party" else name)


def _party_names(*states):
    ids = {row.get("party") for state in states for row in state.values() if row}
    return dict(Party.objects.filter(pk__in=ids).values_list("pk", "name"))


def _funding_conflict(agreement, version, formset):
    saves = _later_saves(agreement.history, "funding_version", version)
    since = saves[0].history_date if saves else timezone.now()
    years = agreement.years
    line_history = FundingLine.history.filter(agreement_id=agreement.pk)
    line_ids = set(line_history.values_list("id", flat=True))
    share_history = Share.history.filter(line_id__in=line_ids)
    current_shares = list(Share.objects.filter(line__agreement=agreement))
    # Shares written in bulk (imports, the demo) have no history: take them as they are.
    recorded = set(share_history.values_list("id", flat=True))
    base_amounts = {(s.line_id, s.year): s.amount for s in current_shares if s.pk not in recorded}
    for share in _as_of(share_history, since).values():
        base_amounts[(share.line_id, share.year)] = share.amount

    def snapshot(line, amounts):
        row = {name: _value(line, name) for name in LINE_FIELDS}
        for year in years:
            row[f"amount_{year}"] = amounts.get((line.id, year))
        return row

    rows_base = {pk: snapshot(r, base_amounts) for pk, r in _as_of(line_history, since).items()}
    current = list(agreement.funding_lines.all())
    amounts = {(s.line_id, s.year): s.amount for s in current_shares}
    rows_theirs = {line.pk: snapshot(line, amounts) for line in current}
    forms, rows_mine = _posted_rows(formset, LINE_FIELDS + [f"amount_{year}" for year in years])
    merged, clashes = changes.merge(rows_base, rows_theirs, rows_mine)
    overrides = _overrides(merged, rows_mine, lambda key, name: forms[key].add_prefix(name))
    names = _party_names(rows_base, rows_theirs)

    def where(key):
        row = rows_theirs.get(key) or rows_base.get(key) or {}
        name = names.get(row.get("party"), "–")
        return f"{name} – {row['purpose']}" if row.get("purpose") else name

    def label(name):
        if name.startswith("amount_"):
            return _("Belopp %(year)s") % {"year": name.removeprefix("amount_")}
        return _label(FundingLine, name)

    def show(name, value):
        if name == "party":
            return names.get(value, "–")
        if name.startswith("amount_"):
            return "–" if value is None else format_kr(value)
        return _show(value, FundingLine._meta.get_field(name))

    shown = _shown_rows(
        changes.compare(rows_base, rows_theirs),
        clashes,
        where=lambda key: _("Rad: %(name)s") % {"name": where(key)},
        label=label,
        show=show,
    )
    return _conflict(
        saves=saves, current_version=agreement.funding_version, shown=shown, overrides=overrides
    )


def _report_conflict(report, version, text, figures):
    saves = _later_saves(report.history, "version", version)
    since = saves[0].history_date if saves else timezone.now()
    before = _as_of(Report.history.filter(id=report.pk), since).get(report.pk)
    base_figures = {
        r.target_id: r.value
        for r in _as_of(ReportFigure.history.filter(report_id=report.pk), since).values()
    }
    now_figures = dict(report.figures.values_list("target_id", "value"))
    targets = {target.pk: target for target in figures}

    def state(text_value, values):
        row = {"text": text_value}
        row |= {f"target_{pk}": values.get(pk) for pk in targets}
        return {None: row}

    theirs = state(report.text, now_figures)
    base = state(before.text, base_figures) if before else theirs
    mine = state(text, {target.pk: value for target, value in figures.items()})
    merged, clashes = changes.merge(base, theirs, mine)

    def label(name):
        if name == "text":
            return _label(Report, "text")
        return targets[int(name.removeprefix("target_"))].description

    shown = _shown_rows(
        changes.compare(base, theirs),
        clashes,
        where=lambda key: _("Rapporten"),
        label=label,
        show=lambda name, value: _show(value),
    )
    return _conflict(
        saves=saves,
        current_version=report.version,
        shown=shown,
        overrides=_overrides(merged, mine, lambda key, name: name),
    )
