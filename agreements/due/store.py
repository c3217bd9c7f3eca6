"""Keep the stored due items (agreements.models.due) in step with the deadline rules."""

from collections import defaultdict
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from .. import calendar as cal
from ..access import agreements_visible_to, due_items_visible_to
from ..models import Agreement, AgreementParty, DueItem, DueState
from .loading import deadlines_for
from .rules import LAPSE_WHEN_PASSED, Deadline
from .texts import render

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
    # Stored titles are in the site's language, whoever's visit triggered the refresh.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
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
        items = deadlines_for(
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
        others = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
        translations = [{} for _item in items]
        for language in others:
            for item, texts in zip(items, translations, strict=True):
                texts[language] = {
                    "title": render(item.title, language)[:400],
                    "detail": render(item.detail, language)[:400],
                }
        DueItem.objects.filter(agreement_id__in=ids).delete()
        DueItem.objects.bulk_create(
            [
                DueItem(
                    agreement_id=d.agreement.pk,
                    # An agreement without parties (a draft) has one row, for superusers.
                    party_id=party_id,
                    first=position == 0,
                    kind=d.kind,
                    key=d.key,
                    due_date=d.due_date,
                    title=str(d.title)[:400],
                    detail=str(d.detail)[:400],
                    responsible_party_id=d.responsible_party_id,
                    url=d.url,
                    translations=texts,
                )
                for d, texts in zip(items, translations, strict=True)
                for position, party_id in enumerate(parties[d.agreement.pk] or [None])
            ],
            batch_size=2000,
        )
        DueState.objects.filter(agreement_id__in=ids).update(dirty=False, refreshed_on=today)
    return len(ids)


def due_items_for(user, *, today, horizon_days):
    """The open items of the agreements the user sees, due by today + horizon_days (and every
    overdue one), refreshed first where stale. A queryset, in deadline order."""
    refresh_marked(agreements_visible_to(user), today=today)
    until = today + timedelta(days=horizon_days)
    return (
        due_items_visible_to(user)
        .filter(due_date__lte=until)
        # Stored before their date passed (rules.is_lapsed).
        .exclude(kind__in=LAPSE_WHEN_PASSED, due_date__lt=today)
        .order_by("due_date", "agreement_id", "key")
    )


class AgreementRef(NamedTuple):
    """What a deadline read from the stored items shows of its agreement."""

    pk: int
    title: str


# What as_deadlines reads of an item, as plain values (no model instances: a dashboard shows
# up to a hundred rows).
_ITEM_VALUES = (
    "kind",
    "agreement_id",
    "agreement__title",
    "due_date",
    "title",
    "detail",
    "translations",
    "responsible_party_id",
    "url",
    "key",
)


def as_deadlines(items, *, today):
    """Deadlines (as agreements.due.rules makes them) of stored items."""
    soon = settings.REMINDER_DAYS_BEFORE
    language = translation.get_language()
    return [
        Deadline(
            kind=kind,
            agreement=AgreementRef(agreement_id, agreement_title),
            due_date=due_date,
            title=(translations.get(language) or {}).get("title", title),
            status=cal.deadline_status(due_date, today, soon_days=soon),
            responsible_party_id=responsible_party_id,
            url=url,
            key=key,
            detail=(translations.get(language) or {}).get("detail", detail),
            agreement_url=reverse("agreements:detail", args=[agreement_id]),
        )
        for (
            kind,
            agreement_id,
            agreement_title,
            due_date,
            title,
            detail,
            translations,
            responsible_party_id,
            url,
            key,
        ) in items.values_list(*_ITEM_VALUES)
    ]
