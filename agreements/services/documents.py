"""Issue a printed document: freeze its PDF as a new, numbered version."""

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.documents import (
    agreement_document,
    proposal_document,
    render_document_html,
    render_pdf,
)
from agreements.models import Agreement, DocumentKind, IssuedDocument

from . import DomainError


def issue_document(*, agreement, kind, decision=None, by):
    """Render the document as it stands and store it as the next version; return that version.

    Refused while the document still prints placeholders for missing data.
    """
    if kind not in DocumentKind.values:
        raise DomainError(_("Okänd dokumenttyp."))
    if agreement is None:
        raise DomainError(_("Beslutet är inte kopplat till någon överenskommelse."))
    if kind == DocumentKind.PROPOSAL:
        if decision is None or not decision.agreements.filter(pk=agreement.pk).exists():
            raise DomainError(_("Beslutsförslaget måste höra till överenskommelsen."))
    else:
        decision = None

    with transaction.atomic():
        # Lock the agreement row: two issues at once must not both take the same number.
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        previous = (
            IssuedDocument.objects.filter(agreement=agreement, kind=kind)
            .defer("pdf")
            .order_by("-version")
            .first()
        )
        version = previous.version + 1 if previous else 1
        issued_at = timezone.now()
        if kind == DocumentKind.AGREEMENT:
            document = agreement_document(agreement, version=version, issued_at=issued_at)
        else:
            document = proposal_document(
                decision, agreement=agreement, version=version, issued_at=issued_at
            )
        if document["warnings"]:
            raise DomainError(
                _("Dokumentet kan inte utfärdas förrän uppgifterna är kompletta: %(missing)s.")
                % {"missing": "; ".join(document["warnings"])}
            )
        pdf = render_pdf(render_document_html(document))
        return IssuedDocument.objects.create(
            agreement=agreement,
            decision=decision,
            kind=kind,
            version=version,
            identifier=document["identifier"],
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            issued_by=by,
            issued_at=issued_at,
            replaces=previous,
        )
