"""Saving what administrators edit of an agreement: details and parties, obligations and
capacity targets, each with optimistic locking. One transaction each.

The edit page posts back the Agreement.version (obligations: Agreement.obligations_version) it
was loaded at; a save finding another version refuses with EditConflict
(agreements.services.conflicts), and nothing of the save is written.
"""

from itertools import count

from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from agreements.models import (
    Agreement,
    AgreementParty,
    CapacityTarget,
    EventKind,
    Exclusion,
    Obligation,
)

from . import DomainError
from .conflicts import PARTY_FIELDS, RowGroup, agreement_conflict, check_version, loaded
from .lifecycle import record_change, refresh_reports
from .parts import start_sections
from .rows import save_rows, validate

# Tuples: the forms name them too (see conflicts.PARTY_FIELDS).
OBLIGATION_FIELDS = (
    "kind",
    "responsible",
    "recipient",
    "recipient_description",
    "parts",
    "days_after_period",
    "due_before_month",
    "due_before_day",
    "due_date",
    "min_per_year",
    "description",
)
TARGET_FIELDS = ("description", "quantity", "approximate")
EXCLUSION_FIELDS = ("description",)


def save_agreement(*, agreement=None, details, parties, version=None, by):
    """Create (agreement None) or update an agreement with its parties, all or nothing.

    details: {field: value} of the agreement's own fields, validated. parties: one dict per
    party row, {"id": AgreementParty pk or None for a new row, "party": Party, "role", "unit",
    "short_name", "delete": bool}, with "position" (the row's place in the order the parties
    are listed and printed) when the order is given; rows not named are left as they are,
    and a new row without a position is listed last. version: the
    Agreement.version the values were loaded at (not needed when creating). A new agreement
    starts with the sections of its organisation's latest agreement (parts.start_sections).
    """
    kind = EventKind.CREATED if agreement is None else EventKind.CHANGED
    try:
        with transaction.atomic():
            if agreement is None:
                agreement = Agreement(**details)
            else:
                agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
                if agreement.version != loaded(version):
                    raise agreement_conflict(agreement, version, details, parties)
                for name, value in details.items():
                    setattr(agreement, name, value)
                agreement.version += 1
            validate(agreement, details)
            agreement._history_user = by
            agreement.save()
            # A party added later is listed (and printed) after those already there.
            last = agreement.parties.aggregate(last=Max("position"))["last"]
            places = count(0 if last is None else last + 1)
            save_rows(
                parties,
                children=agreement.parties,
                fields=(*PARTY_FIELDS, "position"),
                new=lambda: AgreementParty(agreement=agreement, position=next(places)),
                by=by,
            )
            if kind == EventKind.CREATED:
                start_sections(agreement=agreement, by=by)
            # The terms are shared: whose change it was is kept with it.
            record_change(agreement=agreement, kind=kind, by=by)
    except ProtectedError:
        raise DomainError(
            _("Parten kan inte tas bort: den har finansiering, rapporter eller beslut.")
        ) from None
    except IntegrityError:
        raise DomainError(_("Någon annan ändrade samtidigt. Kontrollera och spara igen.")) from None
    return agreement


def save_obligations(*, agreement, obligations, targets, version, by, exclusions=()):
    """Save an agreement's obligations, capacity targets and what it does not cover (rows as
    agreements.services.rows takes them), and create the report rows they now ask for; all or
    nothing.

    version: the Agreement.obligations_version the rows were loaded at; EditConflict (nothing
    saved) if it has moved on.
    """
    try:
        with transaction.atomic():
            locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
            check_version(
                locked,
                version,
                where=_("Åtaganden"),
                groups=_obligation_groups(locked, obligations, targets, exclusions),
                on="obligations_version",
            )
            locked.obligations_version += 1
            locked._history_user = by
            locked.save(update_fields=["obligations_version", "updated_at"])
            save_rows(
                obligations,
                children=locked.obligations,
                fields=OBLIGATION_FIELDS,
                new=lambda: Obligation(agreement=locked),
                by=by,
            )
            save_rows(
                targets,
                children=locked.capacity_targets,
                fields=TARGET_FIELDS,
                new=lambda: CapacityTarget(agreement=locked),
                by=by,
            )
            save_rows(
                exclusions,
                children=locked.exclusions,
                fields=EXCLUSION_FIELDS,
                new=lambda: Exclusion(agreement=locked),
                by=by,
            )
            refresh_reports(locked)
    except (IntegrityError, ProtectedError):
        raise DomainError(_("Det som har rapporter kopplade kan inte tas bort.")) from None
    agreement.obligations_version = locked.obligations_version
    return locked


def _obligation_groups(agreement, obligations, targets, exclusions):
    return [
        RowGroup(
            "obligations",
            _("Åtagande"),
            Obligation,
            "agreement",
            OBLIGATION_FIELDS,
            agreement.obligations.all(),
            obligations,
        ),
        RowGroup(
            "targets",
            _("Mål"),
            CapacityTarget,
            "agreement",
            TARGET_FIELDS,
            agreement.capacity_targets.all(),
            targets,
        ),
        RowGroup(
            "exclusions",
            _("Omfattar inte"),
            Exclusion,
            "agreement",
            EXCLUSION_FIELDS,
            agreement.exclusions.all(),
            exclusions,
        ),
    ]
