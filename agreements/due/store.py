"""Keep the stored due items (agreements.models.DueItem) in step with the deadline rules,
and read them for the dashboard."""

from collections import defaultdict
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from .. import calendar as cal
from ..access import (
    agreements_visible_to,
    due_items_visible_to,
    party_ids_of,
)
from ..models import Agreement, AgreementParty, DueItem, DueState
from .loading import deadlines_for
from .rules import ACTING_ROLES, ANY_PARTY_KINDS, LAPSE_WHEN_PASSED, Deadline
from .texts import translated, untranslated

# Items are stored this far ahead; a refresh older than REFRESH_AFTER_DAYS (or from last
# year: the year's meetings) is made again before the items are read.
STORE_HORIZON_DAYS = 400
REFRESH_AFTER_DAYS = 30
CHUNK = 1000


def _marked(today):
    """State rows whose items may be out of date: changed since, never computed, or computed
    before the cutoff (last year's, or more than REFRESH_AFTER_DAYS ago)."""
    cutoff = max(today - timedelta(days=REFRESH_AFTER_DAYS), today.replace(month=1, day=1))
    return DueState.objects.filter(
        Q(dirty=True) | Q(refreshed_on__isnull=True) | Q(refreshed_on__lt=cutoff)
    )


def stale(agreements_qs, *, today):
    """The agreements whose stored items may be out of date, those without a state row (bulk
    loaded, never computed) included: a pass over all of agreements_qs."""
    marked = _marked(today).values("agreement_id")
    return agreements_qs.filter(Q(due_state__isnull=True) | Q(pk__in=marked))


def refresh_due_items(agreements_qs, *, today):
    """Recompute the stored items of the stale agreements among agreements_qs (the nightly
    run, and after a bulk load). Returns how many agreements were refreshed (by this call)."""
    ids = list(stale(agreements_qs, today=today).order_by().values_list("pk", flat=True))
    return _refresh_all(ids, today=today)


def refresh_marked(agreements_qs, *, today):
    """Recompute the marked agreements among agreements_qs, before their items are read.

    Marked rows are few (what changed since the nightly run): agreements_qs is matched
    against them. Every agreement saved through the ORM has a state row (invalidation,
    migration 0006); one without, bulk-loaded, is computed by the nightly run
    (refresh_due_items).
    """
    marked = _marked(today).values("agreement_id")
    ids = list(agreements_qs.filter(pk__in=marked).order_by().values_list("pk", flat=True))
    return _refresh_all(ids, today=today)


def _refresh_all(ids, *, today):
    return sum(
        _refresh(ids[start : start + CHUNK], today=today) for start in range(0, len(ids), CHUNK)
    )


def _refresh(ids, *, today):
    # Every agreement has a state row from here on, so any change marks it dirty.
    DueState.objects.bulk_create([DueState(agreement_id=pk) for pk in ids], ignore_conflicts=True)
    with transaction.atomic():
        # The state rows are locked for the refresh: a change committed meanwhile waits for it
        # and then marks the agreement dirty again; a row locked by a change not yet committed,
        # or by another refresh, is skipped and stays as it is.
        ids = list(
            DueState.objects.select_for_update(skip_locked=True)
            .filter(agreement_id__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        deadlines = deadlines_for(
            Agreement.objects.filter(pk__in=ids),
            today=today,
            horizon_days=STORE_HORIZON_DAYS,
            with_parties=False,
        )
        parties = defaultdict(list)
        for agreement_id, party_id in (
            AgreementParty.objects.filter(agreement_id__in=ids)
            .order_by("agreement_id", "position", "id")
            .values_list("agreement_id", "party_id")
        ):
            if party_id not in parties[agreement_id]:
                parties[agreement_id].append(party_id)
        DueItem.objects.filter(agreement_id__in=ids).delete()
        DueItem.objects.bulk_create(
            [
                item
                for deadline in deadlines
                for item in _items(deadline, parties[deadline.agreement.pk])
            ],
            batch_size=2000,
        )
        DueState.objects.filter(agreement_id__in=ids).update(dirty=False, refreshed_on=today)
    return len(ids)


def _items(deadline, party_ids):
    """The deadline's stored rows, one per party of its agreement (an agreement without
    parties, a draft, has one row, for superusers)."""
    title, title_values = untranslated(deadline.title)
    detail, detail_values = untranslated(deadline.detail)
    return [
        DueItem(
            agreement_id=deadline.agreement.pk,
            party_id=party_id,
            first=position == 0,
            kind=deadline.kind,
            key=deadline.key,
            year=deadline.year,
            period=deadline.period,
            due_date=deadline.due_date,
            title_message=title[:400],
            title_values=title_values,
            detail_message=detail[:400],
            detail_values=detail_values,
            responsible_party_id=deadline.responsible_party_id,
            url=deadline.url,
        )
        for position, party_id in enumerate(party_ids or [None])
    ]


def due_items_for(user, *, today, horizon_days):
    """The open items of the agreements the user sees, due by today + horizon_days (and every
    overdue one), refreshed first where stale. A queryset, in deadline order."""
    refresh_marked(agreements_visible_to(user), today=today)
    until = today + timedelta(days=horizon_days)
    return _still_due(due_items_visible_to(user).filter(due_date__lte=until), today).order_by(
        "due_date", "agreement_id", "key"
    )


def _still_due(items, today):
    """The stored items without those that lapsed when their date passed (rules.is_lapsed):
    they were stored before it did."""
    return items.exclude(kind__in=LAPSE_WHEN_PASSED, due_date__lt=today)


def open_items_of(agreement, *, today):
    """The agreement's open items as stored (everything not yet done, up to
    STORE_HORIZON_DAYS ahead), refreshed first if the agreement is marked: Deadlines in
    deadline order. The whole list, done items included, is computed by the rules
    (agreements.services.due.items_of)."""
    refresh_marked(Agreement.objects.filter(pk=agreement.pk), today=today)
    items = _still_due(DueItem.objects.filter(agreement_id=agreement.pk, first=True), today)
    return as_deadlines(items.order_by("due_date", "key"), today=today)


def acting_on(user):
    """A condition on stored items: those the user acts on (rules.ACTING_ROLES), the rest
    being someone else's to do. A superuser acts on every item.

    It reads only columns of the (party, kind, due date, responsible party, agreement) index,
    so the dashboard counts a region's tens of thousands of items from the index alone; an
    item any party may act on asks about its own agreement's parties, not for every agreement
    the user's organisations are party to."""
    if user.is_superuser:
        return Q(pk__isnull=False)
    # No role to act in at all: a condition no row meets.
    condition = Q(pk__in=[])
    for kind, roles in ACTING_ROLES.items():
        parties = party_ids_of(user, *roles)
        if not parties:
            continue
        if kind in ANY_PARTY_KINDS:
            of_theirs = AgreementParty.objects.filter(
                agreement_id=OuterRef("agreement_id"), party_id__in=parties
            )
            # The kind first: the database then asks about the parties for these items only.
            condition |= Q(kind=kind) & Q(Exists(of_theirs))
        else:
            condition |= Q(kind=kind, responsible_party_id__in=parties)
    return condition


class AgreementRef(NamedTuple):
    """What a deadline read from the stored items shows of its agreement."""

    pk: int
    title: str


def as_deadlines(items, *, today):
    """Deadlines (as agreements.due.rules makes them) of stored items, their texts in the
    active language."""
    soon = settings.REMINDER_DAYS_BEFORE
    return [
        Deadline(
            kind=item["kind"],
            agreement=AgreementRef(item["agreement_id"], item["agreement__title"]),
            due_date=item["due_date"],
            title=translated(item["title_message"], item["title_values"]),
            detail=translated(item["detail_message"], item["detail_values"]),
            status=cal.deadline_status(item["due_date"], today, soon_days=soon),
            responsible_party_id=item["responsible_party_id"],
            url=item["url"],
            key=item["key"],
            agreement_url=reverse("agreements:detail", args=[item["agreement_id"]]),
            year=item["year"],
            period=item["period"],
        )
        for item in items.values(
            "kind",
            "agreement_id",
            "agreement__title",
            "due_date",
            "title_message",
            "title_values",
            "detail_message",
            "detail_values",
            "responsible_party_id",
            "url",
            "key",
            "year",
            "period",
        )
    ]
