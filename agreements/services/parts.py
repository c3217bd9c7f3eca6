"""Saving an agreement's ordered lists: its prose sections, its parties' signatories and their
listed resource contributions. One transaction each, with optimistic locking.

Each list has its own version on the agreement (Agreement.sections_version and so on): the
page posts back the version it was loaded at, and a save finding another refuses with
EditConflict (agreements.services.conflicts), nothing of it written. The rows come in the
order they are printed; their position is their place in that order.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.access import ADMINISTRATOR, party_ids_of
from agreements.models import (
    STANDARD_SECTION_HEADINGS,
    Agreement,
    AgreementSection,
    EventKind,
    ResourceContribution,
    Signatory,
)

from . import DomainError
from .conflicts import RowGroup, check_version
from .lifecycle import record_change
from .rows import save_rows

# Tuples: the forms name them too.
SECTION_FIELDS = ("heading", "body")
SIGNATORY_FIELDS = ("agreement_party", "name", "title")
CONTRIBUTION_FIELDS = ("agreement_party", "description")


@dataclass(frozen=True)
class OrderedList:
    """One ordered list of an agreement's rows, as its page edits it."""

    name: str
    label: str
    model: type
    parent_field: str  # the path from a row to its agreement
    fields: tuple
    version_field: str


SECTIONS = OrderedList(
    "sections",
    gettext_lazy("Avsnitt"),
    AgreementSection,
    "agreement",
    SECTION_FIELDS,
    "sections_version",
)
SIGNATORIES = OrderedList(
    "signatories",
    gettext_lazy("Undertecknare"),
    Signatory,
    "agreement_party__agreement",
    SIGNATORY_FIELDS,
    "signatories_version",
)
CONTRIBUTIONS = OrderedList(
    "contributions",
    gettext_lazy("Resursbidrag"),
    ResourceContribution,
    "agreement_party__agreement",
    CONTRIBUTION_FIELDS,
    "contributions_version",
)


def save_sections(*, agreement, sections, version, by):
    """Save the agreement's prose sections: rows as agreements.services.rows takes them
    ({"id", "heading", "body", "delete"}), in the order they are printed."""
    return _save_ordered(SECTIONS, agreement=agreement, rows=sections, version=version, by=by)


def save_signatories(*, agreement, signatories, version, by):
    """Save who signs for which party: rows {"id", "agreement_party", "name", "title",
    "delete"}, in the order they sign (within each party; the parties keep their order)."""
    return _save_ordered(SIGNATORIES, agreement=agreement, rows=signatories, version=version, by=by)


def save_contributions(*, agreement, contributions, version, by):
    """Save the parties' listed resource contributions, cash or in kind described in words:
    rows {"id", "agreement_party", "description", "delete"}, in the order they are listed."""
    return _save_ordered(
        CONTRIBUTIONS, agreement=agreement, rows=contributions, version=version, by=by
    )


def _save_ordered(kind, *, agreement, rows, version, by):
    with transaction.atomic():
        # The lock orders saves of the same list: the version check then sees the last one.
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        check_version(
            locked,
            version,
            where=kind.label,
            groups=[_group(kind, locked, rows)],
            on=kind.version_field,
        )
        _refuse_other_parties(locked, rows)
        setattr(locked, kind.version_field, getattr(locked, kind.version_field) + 1)
        locked._history_user = by
        locked.save(update_fields=[kind.version_field, "updated_at"])
        kept = [row for row in rows if not row.get("delete")]
        ordered = [row | {"position": place} for place, row in enumerate(kept)]
        save_rows(
            [row for row in rows if row.get("delete")] + ordered,
            children=_children(kind, locked),
            fields=(*kind.fields, "position"),
            new=lambda: kind.model(agreement=locked) if kind is SECTIONS else kind.model(),
            by=by,
        )
        record_change(agreement=locked, kind=EventKind.CHANGED, by=by)
    setattr(agreement, kind.version_field, getattr(locked, kind.version_field))
    return locked


def _children(kind, agreement):
    return kind.model.objects.filter(**{kind.parent_field: agreement})


def _group(kind, agreement, rows):
    return RowGroup(
        kind.name,
        str(kind.label),
        kind.model,
        kind.parent_field,
        kind.fields,
        _children(kind, agreement),
        rows,
    )


def _refuse_other_parties(agreement, rows):
    """A signatory or contribution names one of this agreement's own parties."""
    for row in rows:
        party = row.get("agreement_party")
        if party is not None and getattr(party, "agreement_id", None) != agreement.pk:
            raise DomainError(_("Välj en av överenskommelsens parter."))


def start_sections(*, agreement, by):
    """Give a new agreement the sections of its organisation's latest agreement (headings and
    text, to adapt), or the standard headings when it has none: never an empty text.

    The organisation is the first of the agreement's parties the user administers."""
    if agreement.sections.exists():
        return
    administered = set(party_ids_of(by, ADMINISTRATOR)) if by is not None else set()
    own = [ap.party_id for ap in agreement.parties.all() if ap.party_id in administered]
    previous = (
        Agreement.objects.filter(parties__party_id__in=own[:1], sections__isnull=False)
        .exclude(pk=agreement.pk)
        .order_by("-period_start", "-pk")
        .first()
    )
    if previous is not None:
        rows = [(s.heading, s.body) for s in previous.sections.all()]
    else:
        rows = [(heading, "") for heading in STANDARD_SECTION_HEADINGS]
    for place, (heading, body) in enumerate(rows):
        section = AgreementSection(agreement=agreement, position=place, heading=heading, body=body)
        section._history_user = by
        section.save()
