"""Saving an agreement's details and parties: one transaction, with optimistic locking.

The form posts back the Agreement.version it was loaded at; a save finding another version
refuses with EditConflict (agreements.services.conflicts), and nothing of the save is written.
"""

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from agreements.models import Agreement, AgreementParty

from . import DomainError
from .conflicts import PARTY_FIELDS, agreement_conflict, loaded


def save_agreement(*, agreement=None, details, parties, version=None, by):
    """Create (agreement None) or update an agreement with its parties, all or nothing.

    details: {field: value} of the agreement's own fields, validated. parties: one dict per
    party row, {"id": AgreementParty pk or None for a new row, "party": Party, "role", "unit",
    "short_name", "delete": bool}; rows not named are left as they are. version: the
    Agreement.version the values were loaded at (not needed when creating).
    """
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
            agreement._history_user = by
            agreement.save()
            _save_parties(agreement, parties, by)
    except ProtectedError:
        raise DomainError(
            _("Parten kan inte tas bort: den har finansiering, rapporter eller beslut.")
        ) from None
    except IntegrityError:
        raise DomainError(_("Någon annan ändrade samtidigt. Kontrollera och spara igen.")) from None
    return agreement


def _save_parties(agreement, rows, by):
    """Write the party rows that differ from what is stored: changes and deletions first,
    then new rows (as a formset saves them), each with its history user."""
    ids = [row["id"] for row in rows if row.get("id")]
    existing = {ap.pk: ap for ap in agreement.parties.filter(pk__in=ids)} if ids else {}
    for row in rows:
        if not row.get("id"):
            continue
        party = existing.get(row["id"])
        if party is None:
            raise DomainError(_("Någon annan ändrade samtidigt. Kontrollera och spara igen."))
        party._history_user = by
        if row.get("delete"):
            party.delete()
        elif assign(party, row, PARTY_FIELDS):
            party.save()
    for row in rows:
        if not row.get("id") and not row.get("delete"):
            party = AgreementParty(agreement=agreement)
            assign(party, row, PARTY_FIELDS)
            party._history_user = by
            party.save()


def assign(instance, row, fields):
    """Set the row's values of fields on instance (a related object given as itself or its
    pk); whether any differed from what the instance held."""
    changed = False
    for name in fields:
        if name not in row:
            continue
        field = instance._meta.get_field(name)
        value = row[name]
        if field.is_relation:
            value = getattr(value, "pk", value)
        if getattr(instance, field.attname) != value:
            setattr(instance, field.attname, value)
            changed = True
    return changed
