"""Small helpers the views share."""

from django.core.paginator import Paginator

PAGE_SIZE = 25


def paginate(request, queryset, per_page=PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("sida"))


def query_without_page(request, *also):
    """The list's query string without the page number (and the parameters in also)."""
    params = request.GET.copy()
    for name in ("sida", *also):
        params.pop(name, None)
    return params.urlencode()


def after_conflict(request, conflict, obj, forms, key_of=None):
    """The forms of an edit page refused with conflict (EditConflict): obj reloaded as saved
    now, and forms(data) built from what was posted with the other's changes kept and the
    current version (EditConflict.data), so that a deliberate second save keeps both.
    key_of names a value's posted key (agreements.forms.posted_name) when it is not the
    field's name."""
    obj.refresh_from_db()
    data = conflict.data(request.POST) if key_of is None else conflict.data(request.POST, key_of)
    return forms(data)
