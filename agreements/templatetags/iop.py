"""Display helpers: Swedish amounts (1 726 000 kr, formatted by funding.money) and ISO dates."""

import datetime

from django import template

from funding.money import format_kr, format_kronor

register = template.Library()

register.filter("kr", format_kr)
register.filter("kronor", format_kronor)


@register.filter
def iso(value):
    """2026-01-01"""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10] if isinstance(value, datetime.date) else ""
    return value or ""
