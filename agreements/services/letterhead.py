"""An organisation's letterhead: the logo and house font of the documents it issues.

Who may set it is agreements.access's answer (may_set_letterhead); the checks of the image
are agreements.letterhead's.
"""

import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from agreements.letterhead import HOUSE_FONTS, LOGO_MAX_BYTES, LOGO_MAX_PIXELS, logo_kind
from agreements.models import Party

from . import DomainError
from .conflicts import check_version


def save_letterhead(*, party, logo, remove_logo, font, version, by):
    """Set the organisation's house font (a key of HOUSE_FONTS) and replace its logo with
    logo (an uploaded file, or None to keep it), or remove it (remove_logo). version: the
    Party.version the page was loaded at; a save finding another refuses with EditConflict.
    The replaced file is deleted once the change is committed."""
    if font not in dict(HOUSE_FONTS):
        raise DomainError(_("Välj ett av typsnitten i listan."))
    data = _checked_logo(logo) if logo is not None else None
    with transaction.atomic():
        party = Party.objects.select_for_update().get(pk=party.pk)
        check_version(party, version, where=party.name, posted={"document_font": font})
        old = party.logo.name if (data is not None or remove_logo) else ""
        if data is not None:
            logo.seek(0)
            # A random stored name: the user's file name is never used as a path.
            logo.name = f"{uuid.uuid4().hex}.{data}"
            party.logo = logo
        elif remove_logo:
            party.logo = ""
        party.document_font = font
        party.version += 1
        party._history_user = by
        party.save()
        if old:
            storage = party.logo.storage
            transaction.on_commit(lambda: storage.delete(old))
    return party


def _checked_logo(upload):
    """The checked type ('png' or 'jpeg') of the upload, else DomainError."""
    if upload.size > LOGO_MAX_BYTES:
        raise DomainError(
            _("Bilden är för stor (högst %(mb)s MB).") % {"mb": LOGO_MAX_BYTES // (1024 * 1024)}
        )
    kind = logo_kind(upload.read(LOGO_MAX_BYTES + 1))
    if kind is None:
        message = _("Logotypen måste vara en PNG- eller JPEG-bild, högst %(px)s bildpunkter stor.")
        raise DomainError(message % {"px": LOGO_MAX_PIXELS})
    return kind
