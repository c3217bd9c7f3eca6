"""Close or move one due item of an agreement, with the reason (agreements.models.DueOverride)."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..access import may_change_due_item
from ..due.loading import deadlines_for
from ..models import Agreement, DueOverride, DueOverrideAction
from . import DomainError

# Far enough ahead for every item an agreement can have.
ALL_ITEMS_DAYS = 100 * 366


def items_of(agreement, *, today):
    """Every item of the agreement, done and closed ones included, as the rules give them."""
    return deadlines_for(
        Agreement.objects.filter(pk=agreement.pk),
        today=today,
        horizon_days=ALL_ITEMS_DAYS,
        include_done=True,
        with_parties=False,
    )


def item_of(agreement, key, *, today):
    """The agreement's item with the key, or None."""
    return next((item for item in items_of(agreement, today=today) if item.key == key), None)


@transaction.atomic
def change_due_item(*, agreement, key, action, reason, by, now, today, due_date=None):
    """Close the agreement's item key (nothing more is expected of it) or move it to due_date,
    for reason; the change is kept with who made it and when, and the item's earlier changes
    stay as its history. Only those access.may_change_due_item lets change it do."""
    # The agreement's row is locked: two people changing its items one after the other each
    # see the other's change as the latest.
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    item = item_of(agreement, key, today=today)
    if item is None:
        raise DomainError(_("Uppgiften finns inte på överenskommelsen."))
    if not may_change_due_item(by, agreement, item):
        raise DomainError(_("Du får inte stänga eller flytta den här uppgiften."))
    if item.status == "done":
        raise DomainError(_("Uppgiften är redan klar."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Skriv varför."))
    if action == DueOverrideAction.MOVED:
        if due_date is None:
            raise DomainError(_("Ange den nya förfallodagen."))
        if due_date == item.due_date:
            raise DomainError(_("Ange en annan dag än den uppgiften redan har."))
    elif action == DueOverrideAction.CLOSED:
        due_date = None
    else:
        raise DomainError(_("Välj om uppgiften ska stängas eller flyttas."))
    return DueOverride.objects.create(
        agreement=agreement,
        key=key,
        kind=item.kind,
        title=str(item.title)[:400],
        action=action,
        due_date=due_date,
        reason=reason,
        by=by,
        at=now,
    )
