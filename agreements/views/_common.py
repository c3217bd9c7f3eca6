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
