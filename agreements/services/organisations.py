"""An organisation's record: registering it, its owners' edits (with optimistic locking) and
corrections proposed by partners, which the owners accept or reject.

Who may do which is agreements.access's answer (parties_editable_by): these functions trust
their caller to have asked it.
"""

import copy

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import ContactPerson, CorrectionStatus, Party, PartyCorrection
from agreements.numbers import normalize_bankgiro, normalize_org_number

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

# Set only by the organisation's own administrators (access.may_set_two_factor_policy).
POLICY_FIELDS = ("require_two_factor",)


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

    details: {field: value} of ORGANISATION_FIELDS (and POLICY_FIELDS, when the caller may
    set them), validated. contacts: rows as
    agreements.services.rows takes them, of CONTACT_FIELDS. version: the Party.version the
    page was loaded at; a save finding another refuses with EditConflict.
    """
    try:
        with transaction.atomic():
            party = Party.objects.select_for_update().get(pk=party.pk)
            if party.version != loaded(version):
                raise organisation_conflict(party, version, details, contacts)
            assign(party, details, ORGANISATION_FIELDS + POLICY_FIELDS)
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


def _canonical(name, value):
    """A validated value as the record stores it (Party.save normalises these two)."""
    if name == "org_number":
        return normalize_org_number(value)
    if name == "bankgiro" and value:
        return normalize_bankgiro(value)
    return value


def propose_correction(*, party, values, message, organisation, by):
    """Propose values ({field: value} of ORGANISATION_FIELDS) for an organisation's record;
    only those that differ from the record are kept. Nothing of the record changes."""
    with transaction.atomic():
        current = Party.objects.select_for_update().get(pk=party.pk)
        candidate = copy.copy(current)  # checked as the record would be, never saved
        assign(candidate, values, ORGANISATION_FIELDS)
        validate(candidate, values)
        canonical = {
            name: _canonical(name, value)
            for name, value in values.items()
            if name in ORGANISATION_FIELDS
        }
        proposed = {
            name: value for name, value in canonical.items() if value != getattr(current, name)
        }
        if not proposed:
            raise DomainError(
                _("Förslaget ändrar ingenting. Ändra det som är fel och skicka igen.")
            )
        return PartyCorrection.objects.create(
            party=current,
            proposed_by=by,
            organisation=organisation,
            proposed_at=timezone.now(),
            values=proposed,
            before={name: getattr(current, name) for name in proposed},
            message=message,
        )


def decide_correction(*, correction, accept, reply, by):
    """Accept a proposed correction (its values are written to the record, as the accepting
    user's change) or reject it; a correction is answered once."""
    try:
        with transaction.atomic():
            correction = PartyCorrection.objects.select_for_update().get(pk=correction.pk)
            if correction.status != CorrectionStatus.OPEN:
                raise DomainError(_("Förslaget är redan besvarat."))
            if accept:
                party = Party.objects.select_for_update().get(pk=correction.party_id)
                assign(party, correction.values, ORGANISATION_FIELDS)
                validate(party, correction.values)
                party.version += 1
                party._history_user = by
                party.save()
            correction.status = CorrectionStatus.ACCEPTED if accept else CorrectionStatus.REJECTED
            correction.decided_by = by
            correction.decided_at = timezone.now()
            correction.reply = reply
            correction.save()
    except IntegrityError:
        raise DomainError(_("Någon annan ändrade samtidigt. Kontrollera och spara igen.")) from None
    return correction
