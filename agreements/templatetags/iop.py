"""Display helpers: Swedish amounts (1 726 000 kr, formatted by funding.money) and ISO dates."""

import datetime

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

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


DEADLINE_STATUS_LABELS = {
    "overdue": gettext_lazy("Försenad"),
    "due_soon": gettext_lazy("Snart"),
    "done": gettext_lazy("Klar"),
    "upcoming": gettext_lazy("Kommande"),
}
_DEADLINE_ROW = (
    '<tr class="status-{status}"><td class="date" data-label="{due_label}">{due}</td>'
    '<td data-label="{what_label}">{what}</td>'
    '<td data-label="{agreement_label}"><a href="{agreement_url}">{agreement}</a></td>'
    '<td data-label="{status_label}"><span class="badge badge--{status}">{status_text}</span>'
    "</td></tr>"
)


@register.simple_tag
def deadline_rows(rows, *, due_label, what_label, agreement_label, status_label):
    """The rows of a deadline table, built here rather than by a loop of template tags, as the
    admin builds its result list: the dashboard shows up to a hundred of them. Each value is
    escaped as the template escaped it (conditional_escape: text marked safe is kept)."""
    esc = conditional_escape
    statuses = {status: esc(label) for status, label in DEADLINE_STATUS_LABELS.items()}
    labels = {
        "due_label": esc(due_label),
        "what_label": esc(what_label),
        "agreement_label": esc(agreement_label),
        "status_label": esc(status_label),
    }
    html = []
    for d in rows:
        what = format_html('<a href="{}">{}</a>', d.url, d.title) if d.url else esc(d.title)
        if d.detail:
            what += format_html('<br><span class="muted">{}</span>', d.detail)
        html.append(
            _DEADLINE_ROW.format(
                status=esc(d.status),
                due=esc(iso(d.due_date)),
                what=what,
                agreement_url=esc(d.agreement_url),
                agreement=esc(d.agreement.title),
                status_text=statuses.get(d.status, statuses["upcoming"]),
                **labels,
            )
        )
    return mark_safe("\n".join(html))
