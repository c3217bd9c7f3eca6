"""Writing a parent's child rows given as plain data, as an inline formset would.

A row is a dict: "id" (the child's pk, or None for a new one), field values, and "delete".
Rows not named are left as they are.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import DomainError


def save_rows(rows, *, children, fields, new, by=None, then=None):
    """Write the rows against children (the parent's queryset of them): changes and deletions
    first, then new rows made by new(); then(instance, row) after each kept row is saved.

    Only rows whose values differ are written, each with by as its history user.
    """
    ids = [row["id"] for row in rows if row.get("id")]
    existing = {child.pk: child for child in children.filter(pk__in=ids)} if ids else {}
    for row in rows:
        if not row.get("id"):
            continue
        child = existing.get(row["id"])
        if child is None:  # not one of the parent's rows (any more)
            raise DomainError(_("Någon annan ändrade samtidigt. Kontrollera och spara igen."))
        child._history_user = by
        if row.get("delete"):
            child.delete()
            continue
        if assign(child, row, fields):
            validate(child, fields)
            child.save()
        if then is not None:
            then(child, row)
    for row in rows:
        if row.get("id") or row.get("delete"):
            continue
        child = new()
        assign(child, row, fields)
        validate(child, fields)
        child._history_user = by
        child.save()
        if then is not None:
            then(child, row)


def assign(instance, row, fields):
    """Set the row's values of fields on instance (a related object given as itself or its
    pk); whether any differed from what the instance held."""
    changed = False
    for name in fields:
        if name not in row:
            continue
        field = instance._meta.get_field(name)
        value = row[name]
        if field.is_relation:
            value = getattr(value, "pk", value)
        if getattr(instance, field.attname) != value:
            setattr(instance, field.attname, value)
            changed = True
    return changed


def validate(instance, fields):
    """Refuse values the model's rules refuse, as a model form of fields would check them
    (the fields, clean() and the constraints on them): callers without a form, an import or
    an API, get the same rules. DomainError with the model's messages."""
    exclude = [f.name for f in instance._meta.concrete_fields if f.name not in fields]
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from None
