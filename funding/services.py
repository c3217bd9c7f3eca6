"""Writes in funding: funding lines with their shares, payments and index values."""

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from agreements import changes
from agreements.due.invalidation import mark_changed
from agreements.models import Agreement, AgreementStatus
from agreements.services import DomainError, conflicts
from agreements.services.rows import assign, save_rows, validate

from . import payments as pay
from .index_csv import parse_index_csv
from .models import (
    FundingLine,
    IndexSeries,
    IndexValue,
    Payment,
    PaymentPlan,
    Share,
    ValueStatus,
)
from .money import format_kr
from .summary import line_year_amounts

CLOSED = (AgreementStatus.ENDED, AgreementStatus.TERMINATED)
# The fields of a funding line that its page edits (the form shows these); a tuple, as
# agreements.services.conflicts.PARTY_FIELDS explains.
EDITED_LINE_FIELDS = (
    "party",
    "receiver",
    "kind",
    "purpose",
    "budget",
    "amount_pending",
    "period_total",
    "uplift_series",
    "uplift_first_year",
    "uplift_basis",
    "uplift_published_month",
    "uplift_fallback",
    "uplift_rule_text",
)


def line_amount_errors(*, amount_pending, period_total, shares):
    """{field: message} of what is wrong with a line's amounts as entered.

    shares: {year: amount or None}. An amount not yet known ("belopp ej fastställt") has no
    amounts at all; a total for the period must equal its split over the years once a year's
    amount is entered (a split not yet entered is a gap in the documents, not an error).
    """
    entered = {year: amount for year, amount in shares.items() if amount is not None}
    if amount_pending and (entered or period_total is not None):
        return {
            "amount_pending": _(
                "Ett belopp som inte är fastställt har inga belopp. Ta bort beloppen eller "
                "avmarkera rutan."
            )
        }
    if period_total is not None and entered and sum(entered.values()) != period_total:
        return {
            "period_total": _(
                "Fördelningen per år är %(split)s men totalen för perioden är %(total)s."
            )
            % {"split": format_kr(sum(entered.values())), "total": format_kr(period_total)}
        }
    return {}


def save_funding(*, agreement, lines, version, by):
    """Save an agreement's funding lines with their yearly shares, all or nothing.

    lines: one dict per line, {"id": FundingLine pk or None for a new line, "party": Party,
    "receiver": Party or None, "kind", "purpose", "budget", "shares": {year: amount or None to
    remove}, "delete": bool};
    lines not named are left as they are. version: the Agreement.funding_version the values
    were loaded at; EditConflict (nothing saved) if it has moved on.
    """
    try:
        with transaction.atomic():
            locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
            if locked.funding_version != conflicts.loaded(version):
                raise _funding_conflict(locked, version, lines)
            locked.funding_version += 1
            locked._history_user = by
            locked.save(update_fields=["funding_version", "updated_at"])
            _save_lines(locked, lines, by)
    except ProtectedError:
        raise DomainError(_("En rad med registrerade betalningar kan inte tas bort.")) from None
    except IntegrityError:
        raise DomainError(_("Någon annan ändrade samtidigt. Kontrollera och spara igen.")) from None
    agreement.funding_version = locked.funding_version
    return locked


def _save_lines(agreement, rows, by):
    years = set(agreement.funding_years)
    existing = {line.pk: line for line in agreement.funding_lines.prefetch_related("shares")}
    for row in rows:
        outside = set(row.get("shares", {})) - years
        if outside:
            raise DomainError(
                _("Finansieringsraden har inget belopp för %(year)s.") % {"year": min(outside)}
            )
        if not row.get("delete"):
            _check_amounts(existing.get(row.get("id")), row)
    save_rows(
        rows,
        children=agreement.funding_lines.prefetch_related("shares"),
        fields=EDITED_LINE_FIELDS,
        new=lambda: FundingLine(agreement=agreement),
        by=by,
        then=lambda line, row: _save_shares(line, row.get("shares", {})),
    )


def _check_amounts(line, row):
    """Refuse a row whose amounts contradict each other, as they will be after the save."""
    shares = {s.year: s.amount for s in line.shares.all()} if line is not None else {}
    shares |= row.get("shares", {})

    def value(name, default):
        return row[name] if name in row else getattr(line, name, default)

    errors = line_amount_errors(
        amount_pending=value("amount_pending", False),
        period_total=value("period_total", None),
        shares=shares,
    )
    if errors:
        raise DomainError(" ".join(errors.values()))


def _save_shares(line, amounts):
    existing = {share.year: share for share in line.shares.all()} if amounts else {}
    for year, amount in amounts.items():
        share = existing.get(year)
        if amount is None:
            if share is not None:
                share.delete()
        elif share is None or share.amount != amount:
            validate(Share(line=line, year=year, amount=amount), ["year", "amount"])
            Share.objects.update_or_create(line=line, year=year, defaults={"amount": amount})


def _funding_conflict(agreement, version, lines):
    saves = conflicts.later_saves(agreement.history, "funding_version", version)
    since = conflicts.since(saves)
    years = agreement.funding_years
    line_history = FundingLine.history.filter(agreement_id=agreement.pk)
    line_ids = set(line_history.values_list("id", flat=True))
    share_history = Share.history.filter(line_id__in=line_ids)
    current_shares = list(Share.objects.filter(line__agreement=agreement))
    # Shares written in bulk (imports, the demo) have no history: take them as they are.
    recorded = set(share_history.values_list("id", flat=True))
    base_amounts = {(s.line_id, s.year): s.amount for s in current_shares if s.pk not in recorded}
    for share in conflicts.as_of(share_history, since).values():
        base_amounts[(share.line_id, share.year)] = share.amount

    def snapshot(line, amounts):
        row = {name: conflicts.value_of(line, name) for name in EDITED_LINE_FIELDS}
        for year in years:
            row[f"amount_{year}"] = amounts.get((line.id, year))
        return row

    lines_then = conflicts.as_of(line_history, since)
    rows_base = {pk: snapshot(line, base_amounts) for pk, line in lines_then.items()}
    amounts = {(s.line_id, s.year): s.amount for s in current_shares}
    rows_theirs = {line.pk: snapshot(line, amounts) for line in agreement.funding_lines.all()}
    posted = [
        row | {f"amount_{year}": row.get("shares", {}).get(year) for year in years} for row in lines
    ]
    rows_mine = conflicts.mine(posted, [*EDITED_LINE_FIELDS, *(f"amount_{year}" for year in years)])
    merged, clashes = changes.merge(rows_base, rows_theirs, rows_mine)
    names = conflicts.party_names(rows_base, rows_theirs)

    def where(key):
        row = rows_theirs.get(key) or rows_base.get(key) or {}
        name = names.get(row.get("party"), "–")
        return f"{name} – {row['purpose']}" if row.get("purpose") else name

    def label(name):
        if name.startswith("amount_"):
            return _("Belopp %(year)s") % {"year": name.removeprefix("amount_")}
        return conflicts.label(FundingLine, name)

    def show(name, value):
        if name == "party":
            return names.get(value, "–")
        if name.startswith("amount_"):
            return "–" if value is None else format_kr(value)
        return conflicts.show(value, FundingLine._meta.get_field(name))

    shown = conflicts.shown_rows(
        changes.compare(rows_base, rows_theirs),
        clashes,
        where=lambda key: _("Rad: %(name)s") % {"name": where(key)},
        label=label,
        show=show,
    )
    return conflicts.conflict(
        saves=saves,
        current_version=agreement.funding_version,
        shown=shown,
        overrides=conflicts.overrides(merged, rows_mine),
    )


# The fields of a payment plan its page edits; the payee is the line's receiver.
PLAN_FIELDS = ("installments_per_year", "first_month", "due_day", "bankgiro", "reference")


def save_payment_plan(*, line, version, by, **fields):
    """Create or change the payment plan of a funding line: fields are PLAN_FIELDS.

    version: the agreement's funding_version the page was loaded at; a later save of the
    agreement's funding refuses this one (nothing saved), so no change is silently lost.
    """
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=line.agreement_id)
        plan = PaymentPlan.objects.filter(line=line).first() or PaymentPlan(line=line)
        posted = [{"id": plan.pk} | fields] if plan.pk else []
        _check_funding_version(agreement, version, plans=posted)
        if line.receiver_id is None:
            raise DomainError(_("Ange först vem som tar emot pengarna på finansieringsraden."))
        if not assign(plan, fields, PLAN_FIELDS) and plan.pk:
            return plan
        validate(plan, PLAN_FIELDS)
        _next_funding_version(agreement, by)
        plan._history_user = by
        plan.save()
    return plan


def _next_funding_version(agreement, by):
    """Count a save of the locked agreement's funding. Before its rows are written: a later
    conflict reads the rows as they were before the agreement's history record of the save."""
    agreement.funding_version += 1
    agreement._history_user = by
    agreement.save(update_fields=["funding_version", "updated_at"])


def _check_funding_version(agreement, version, *, plans=()):
    """Refuse with EditConflict unless the locked agreement's funding is still at the version
    the page was loaded at; the conflict shows what changed in its lines, amounts and payment
    plans. plans: the payment plan rows the page posts, as agreements.services.rows takes them.
    """
    groups = [
        conflicts.RowGroup(
            "lines",
            _("Finansieringsrad"),
            FundingLine,
            "agreement",
            EDITED_LINE_FIELDS,
            agreement.funding_lines.all(),
            [],
        ),
        conflicts.RowGroup(
            "shares",
            _("Belopp"),
            Share,
            "line__agreement",
            ("year", "amount"),
            Share.objects.filter(line__agreement=agreement),
            [],
        ),
        conflicts.RowGroup(
            "plans",
            _("Betalningsplan"),
            PaymentPlan,
            "line__agreement",
            PLAN_FIELDS,
            PaymentPlan.objects.filter(line__agreement=agreement),
            list(plans),
        ),
    ]
    conflicts.check_version(
        agreement, version, where=_("Finansieringen"), groups=groups, on="funding_version"
    )


def shares_outside_period(agreement):
    """The agreement's shares for years its period no longer has (after the period changed)."""
    return (
        Share.objects.filter(line__agreement=agreement)
        .exclude(year__in=agreement.funding_years)
        .select_related("line__party")
        .order_by("line__position", "line_id", "year")
    )


def remove_shares_outside_period(*, agreement, parties, version, by):
    """Delete the shares outside the agreement's period on the lines of parties (ids of the
    parties whose lines the user may change); the number deleted.

    version: the agreement's funding_version the confirmation page was loaded at; refused
    (nothing deleted) if the funding changed since.
    """
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        _check_funding_version(locked, version)
        outside = list(shares_outside_period(locked).filter(line__party_id__in=parties))
        if not outside:
            raise DomainError(_("Det finns inga belopp utanför perioden att ta bort."))
        if Payment.objects.filter(
            line__in={share.line_id for share in outside},
            year__in={share.year for share in outside},
        ).exists():
            raise DomainError(
                _(
                    "Ett belopp med registrerade betalningar kan inte tas bort. "
                    "Flytta betalningarna först."
                )
            )
        _next_funding_version(locked, by)
        for share in outside:
            share._history_user = by
            share.delete()
    return len(outside)


def register_payment(*, line, year, paid_on, amount, reference="", by=None, note=""):
    """Record a payment against a line's year; refuse over-payment and closed agreements."""
    with transaction.atomic():
        line = _lock_and_check(line=line, year=year, amount=amount)
        payment = Payment(
            line=line,
            year=year,
            paid_on=paid_on,
            amount=amount,
            reference=reference,
            note=note,
        )
        payment._history_user = by
        payment.save()
        _reconcile(line=line, year=year, payment=payment)
        return payment


def change_payment(
    *, payment, version, line, year, paid_on, amount, reference="", by=None, note=""
):
    """Correct a registered payment, as loaded at version (EditConflict, nothing saved, if it
    has moved on), under the same rules as registering it."""
    if line.agreement_id != payment.line.agreement_id:
        raise DomainError(_("Betalningen kan bara flyttas till en rad i samma överenskommelse."))
    with transaction.atomic():
        line = _lock_and_check(line=line, year=year, amount=amount)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        posted = {"line": line, "year": year, "paid_on": paid_on, "amount": amount}
        posted |= {"reference": reference, "note": note}
        conflicts.check_version(payment, version, where=_("Betalningen"), posted=posted)
        payment.line, payment.year, payment.paid_on = line, year, paid_on
        payment.amount, payment.reference, payment.note = amount, reference, note
        payment.version += 1
        payment._history_user = by
        payment.save()
        _reconcile(line=line, year=year, payment=payment)
        return payment


def _lock_and_check(*, line, year, amount):
    # Lock the line so two administrators cannot both pay the last krona.
    line = (
        FundingLine.objects.select_for_update(of=("self",))
        .select_related("agreement", "uplift_series")
        .get(pk=line.pk)
    )
    agreement = line.agreement
    if agreement.status in CLOSED:
        raise DomainError(
            _("Överenskommelsen är %(status)s; inga fler betalningar kan registreras.")
            % {"status": agreement.get_status_display().lower()}
        )
    if not isinstance(amount, int) or amount <= 0:
        raise DomainError(_("Beloppet måste vara ett helt antal kronor större än noll."))
    return line


def _reconcile(*, line, year, payment):
    """Check the year's payments, the new or changed one included, against its amount.

    Runs after the write inside the same transaction, so a refusal leaves nothing saved.
    """
    figures = line_year_amounts(line)
    if year not in figures:
        raise DomainError(_("Finansieringsraden har inget belopp för %(year)s.") % {"year": year})
    expected = figures[year].amount
    already = sum(p.amount for p in line.payments.filter(year=year).exclude(pk=payment.pk))
    excess = pay.overpayment(expected, already, payment.amount)
    if excess:
        raise DomainError(
            _(
                "Betalningen överstiger beloppet för %(year)s med %(excess)s. "
                "Att betala: %(expected)s, redan betalt: %(already)s."
            )
            % {
                "year": year,
                "excess": format_kr(excess),
                "expected": format_kr(expected),
                "already": format_kr(already),
            }
        )


def create_index_series(*, owner, name, publisher="", description="", by=None):
    """Create an organisation's own index series (national ones are the operator's, made in
    the Django admin)."""
    series = IndexSeries(owner=owner, name=name, publisher=publisher, description=description)
    validate(series, ["owner", "name", "publisher", "description"])
    series._history_user = by
    try:
        with transaction.atomic():
            series.save()
    except IntegrityError:
        raise DomainError(_("Organisationen har redan en indexserie med det namnet.")) from None
    return series


def add_index_value(*, series, year, percent, status, published_on, source, by=None):
    """Add one index value; a second value for the same year and status is refused."""
    value = IndexValue(
        series=series,
        year=year,
        percent=percent,
        status=status,
        published_on=published_on,
        source=source,
    )
    validate(value, ["series", "year", "percent", "status", "published_on", "source"])
    value._history_user = by
    try:
        with transaction.atomic():
            value.save()
    except IntegrityError:
        raise DomainError(_("Det finns redan ett sådant värde för året.")) from None
    return value


# What a correction may change: the year and status name the value; a wrong one is withdrawn
# and the right one added.
CORRECTED_INDEX_FIELDS = ("percent", "published_on", "source")


def correct_index_value(*, value, reason, version, by, **fields):
    """Correct a published index value with a reason; its history keeps what it was.

    fields: the new values of CORRECTED_INDEX_FIELDS. version: the value's version when the
    form was loaded; EditConflict (nothing saved) if it has moved on. The amounts uplifted by
    the series are computed from the value as it now is; issued documents keep what they
    printed.
    """
    if not reason.strip():
        raise DomainError(_("Ange varför värdet rättas."))
    with transaction.atomic():
        locked = IndexValue.objects.select_for_update().get(pk=value.pk)
        conflicts.check_version(locked, version, where=_("Indexvärdet"), posted=fields)
        if not assign(locked, fields, CORRECTED_INDEX_FIELDS):
            raise DomainError(_("Du ändrade ingenting."))
        validate(locked, CORRECTED_INDEX_FIELDS)
        locked.version += 1
        locked._history_user = by
        locked._change_reason = reason.strip()
        locked.save()
    return locked


def withdraw_index_value(*, value, reason, by):
    """Withdraw a published index value with a reason; its history keeps what it was."""
    if not reason.strip():
        raise DomainError(_("Ange varför värdet dras tillbaka."))
    with transaction.atomic():
        value._history_user = by
        value._change_reason = reason.strip()
        value.delete()


def import_index_csv(*, series, text, by=None):
    """Import index values from CSV: all rows or none. Returns (created, errors)."""
    values, errors = parse_index_csv(text)
    if not errors and not values:
        errors = [_("Filen innehåller inga värden.")]
    if errors:
        return [], errors
    existing = set(IndexValue.objects.filter(series=series).values_list("year", "status"))
    for number, year, _percent, status, _published, _source in values:
        if (year, status) in existing:
            errors.append(
                _("Rad %(n)s: det finns redan ett %(status)s värde för %(year)s.")
                % {"n": number, "status": ValueStatus(status).label.lower(), "year": year}
            )
    if errors:
        return [], errors
    with transaction.atomic():
        # With their history, as one by one: who published each value is shown beside it.
        created = bulk_create_with_history(
            [
                IndexValue(
                    series=series,
                    year=year,
                    percent=percent,
                    status=status,
                    published_on=published_on,
                    source=source,
                )
                for _n, year, percent, status, published_on, source in values
            ],
            IndexValue,
            default_user=by,
        )
        mark_changed(FundingLine.objects.filter(uplift_series=series).values("agreement_id"))
    return created, []
