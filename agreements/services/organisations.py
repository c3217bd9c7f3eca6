"""An organisation's record: registering it and its owners' edits (with optimistic locking).

Who may do which is agreements.access's answer (parties_editable_by): these functions trust
their caller to have asked it.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from agreements.models import ContactPerson, Party

from . import DomainError
from .conflicts import CONTACT_FIELDS, loaded, organisation_conflict
from .rows import assign, save_rows, validate

# Tuples: the forms name them too (see conflicts.PARTY_FIELDS).
ORGANISATION_FIELDS = (
    "name",
    "kind",
    "org_number",
    "unit",
    "address_line",
    "postal_code",
    "city",
    "bankgiro",
    "email",
    "phone",
)


def register_party(*, details, registered_by, by):
    """Register an organisation ({field: value} of ORGANISATION_FIELDS); registered_by (an
    organisation of the user, or None) changes its record until it has users of its own."""
    party = Party(registered_by=registered_by)
    assign(party, details, ORGANISATION_FIELDS)
    validate(party, details)
    party._history_user = by
    try:
        with transaction.atomic():
            party.save()
    except IntegrityError:
        raise DomainError(_("Någon annan ändrade samtidigt. Kontrollera och spara igen.")) from None
    return party


def save_party(*, party, details, contacts, version, by):
    """Save an organisation's record and its contact people, all or nothing.

    details: {field: value} of ORGANISATION_FIELDS, validated. contacts: rows as
    agreements.services.rows takes them, of CONTACT_FIELDS. version: the Party.version the
    page was loaded at; a save finding another refuses with EditConflict.
    """
    try:
        with transaction.atomic():
            party = Party.objects.select_for_update().get(pk=party.pk)
            if party.version != loaded(version):
                raise organisation_conflict(party, version, details, contacts)
            assign(party, details, ORGANISATION_FIELDS)
            validate(party, details)
            party.version += 1
            party._history_user = by
            party.save()
            save_rows(
                contacts,
                children=party.contacts,
                fields=CONTACT_FIELDS,
                new=lambda: ContactPerson(party=party),
                by=by,
            )
    except IntegrityError:
        raise DomainError(_("Någon annan ändrade samtidigt. Kontrollera och spara igen.")) from None
    return party
