"""An agreement's due items: what it expects by when, and closing or moving one with a reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agreements.access import (
    ADMINISTRATOR,
    COORDINATOR,
    get_agreement_for,
    may_change_due_item,
    require_role,
)
from agreements.forms import DueItemChangeForm, SubmitOnceForm
from agreements.models import DueOverride
from agreements.services import DomainError
from agreements.services.due import change_due_item, items_of
from agreements.services.once import submit_once


@login_required
@require_http_methods(["GET", "POST"])
def due_items(request, pk):
    """The agreement's items with their state; with ?nyckel= (or posted), the form that closes
    or moves that item, and its history."""
    agreement = get_agreement_for(request.user, pk)
    # The parties and their organisations, once for every item's roles and owner.
    prefetch_related_objects([agreement], "parties__party")
    if request.method == "POST":
        require_role(request.user, agreement, ADMINISTRATOR, COORDINATOR)
    today = timezone.localdate()
    items = items_of(agreement, today=today)
    data = request.POST if request.method == "POST" else None
    key = request.POST.get("key") if data is not None else request.GET.get("nyckel")
    item = next((i for i in items if key and i.key == key), None)
    if item is None:
        if key and data is None:
            raise Http404
        # The list; a post that names no item of the agreement is refused with it.
        context = {"agreement": agreement, "rows": due_rows(agreement, items, request.user)}
        status = 400 if data is not None else 200
        return render(request, "agreements/due_items.html", context, status=status)
    if not may_change_due_item(request.user, agreement, item):
        raise PermissionDenied
    form = DueItemChangeForm(data, initial={"key": key, "due_date": item.due_date})
    once = SubmitOnceForm(data)
    if form.is_bound and all([form.is_valid(), once.is_valid()]):
        try:
            override = submit_once(
                key=once.key,
                by=request.user,
                create=lambda: change_due_item(
                    agreement=agreement,
                    by=request.user,
                    now=timezone.now(),
                    today=today,
                    **form.cleaned_data,
                ),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _success(override))
            return redirect("agreements:due_items", agreement.pk)
    context = {
        "agreement": agreement,
        "item": item,
        "form": form,
        "once_form": once,
        "history": DueOverride.objects.filter(agreement=agreement, key=key)
        .select_related("by")
        .order_by("-at", "-pk"),
    }
    return render(request, "agreements/due_item_change.html", context)


def due_rows(agreement, items, user):
    """(item, whether the user may close or move it) for each item of the agreement."""
    return [
        (item, user is not None and item.is_open and may_change_due_item(user, agreement, item))
        for item in items
    ]


def _success(override):
    if override.action == "moved":
        return _("”%(title)s” är flyttad till %(date)s.") % {
            "title": override.title,
            "date": date_format(override.due_date, "Y-m-d"),
        }
    return _("”%(title)s” är stängd. Den visas inte längre som något att göra.") % {
        "title": override.title
    }
