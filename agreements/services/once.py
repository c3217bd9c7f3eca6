"""A create form's work done once per submitted form, whatever reaches the server twice.

A create form carries a one-time token (agreements.forms.SubmitOnceForm); the token and the
values posted with it make the submission's key. submit_once claims the key in a table with a
unique constraint (FormSubmission) in the same transaction as the work: a second post of the
same form, at once or later, finds the claim and gets what the first post made. On PostgreSQL
a parallel second post waits on the first's uncommitted claim and then reads its result. A
refused post (a DomainError) rolls its claim back, so the corrected form can be sent again;
the same token with other values is another submission, so a changed form is never dropped.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from agreements.models import FormSubmission

from . import DomainError


def submit_once(*, key, by, create):
    """What create() makes, made once per key: the first submission's result when the same
    form was submitted before."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = FormSubmission.objects.create(key=key, user=by)
        except IntegrityError:
            return _first_result(key, by)
        result = create()
        submission.content_type = ContentType.objects.get_for_model(result)
        submission.object_id = result.pk
        submission.save(update_fields=["content_type", "object_id"])
    return result


def _first_result(key, by):
    first = FormSubmission.objects.filter(key=key, user=by).first()
    result = first.result if first is not None else None
    if result is None:  # another user's key, or what it made is gone
        raise DomainError(_("Formuläret är redan skickat. Ladda om sidan och försök igen."))
    return result
