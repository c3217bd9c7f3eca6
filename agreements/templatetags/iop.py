"""Display helpers: Swedish amounts (1 726 000 kr) and ISO dates, one place for each."""

import datetime

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

NARROW_NBSP = "\u202f"  # thousands separator, as Swedish typography and Skatteverket use
NBSP = "\u00a0"


def group_thousands(amount, sep=NARROW_NBSP):
    """1726000 -> '1 726 000' (integer kronor; Decimal is rounded by the caller)."""
    if amount is None or amount == "":
        return ""
    value = int(amount)
    sign = "−" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", sep)


@register.filter
def kr(amount):
    """1 726 000 kr"""
    if amount is None or amount == "":
        return ""
    return f"{group_thousands(amount)}{NBSP}kr"


@register.simple_tag
def kr_cells(amounts):
    """A table row's amounts as numeric cells: one tag instead of a loop of filters (the
    funding tables of a large region have thousands of cells). kr() gives only digits, a
    sign, spaces and "kr" (it formats int(amount)), so the cells need no escaping."""
    return mark_safe("".join(f'<td class="num">{kr(a)}</td>' for a in amounts))


@register.filter
def kronor(amount):
    """1 070 000 kronor (as printed in agreements and proposals)."""
    if amount is None or amount == "":
        return ""
    return f"{group_thousands(amount)}{NBSP}kronor"


@register.filter
def iso(value):
    """2026-01-01"""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10] if isinstance(value, datetime.date) else ""
    return value or ""
