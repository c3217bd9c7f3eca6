"""The error summary at the top of a form page (GOV.UK's and Digg's pattern): every error of
the page's forms and formsets once, each linked to its field, and "Fel:" in the page title."""

from django import template
from django.forms import BaseForm, BaseFormSet
from django.utils.translation import gettext as _

register = template.Library()


def _anchor(field):
    """The id of the input the summary's link moves to: the field's own, or for a group of
    radio buttons or check boxes (whose label points nowhere) the first in the group."""
    if field.is_hidden or not field.auto_id:
        return None
    return field.id_for_label or f"{field.auto_id}_0"


def _form_entries(form, row=None):
    entries = [(None, error) for error in form.non_field_errors()]
    for field in form:
        entries += [(_anchor(field), error) for error in field.errors]
    if row is not None:
        entries = [
            (anchor, _("Rad %(row)s: %(error)s") % {"row": row, "error": error})
            for anchor, error in entries
        ]
    return entries


def error_entries(*forms):
    """(anchor or None, message) for every error of the bound forms and formsets given."""
    entries = []
    for item in forms:
        if isinstance(item, BaseFormSet) and item.is_bound:
            entries += [(None, error) for error in item.non_form_errors()]
            for row, form in enumerate(item.forms, start=1):
                entries += _form_entries(form, row)
        elif isinstance(item, BaseForm) and item.is_bound:
            entries += _form_entries(item)
    return entries


@register.inclusion_tag("agreements/_error_summary.html")
def error_summary(*forms):
    """The summary of the forms' and formsets' errors; nothing when there are none."""
    return {"entries": error_entries(*forms)}


@register.simple_tag(takes_context=True)
def page_has_errors(context):
    """Whether a form or formset on the page was sent back with errors (for the title)."""
    values = list(context.flatten().values())
    # A page may keep its formsets in a list (the decision proposal's items, documents, ...).
    values += [item for value in values if isinstance(value, list | tuple) for item in value]
    return bool(error_entries(*values))
