"""Printed documents: HTML preview, PDF, issuing a version, the version list and download."""

import hashlib
import logging
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agreements.access import (
    ISSUERS,
    get_agreement_for,
    get_decision_for,
    get_issued_document_for,
    has_role,
    may_issue_proposal,
)
from agreements.documents import (
    agreement_document,
    proposal_agreement,
    proposal_document,
    render_document_html,
    render_pdf,
)
from agreements.forms import SubmitOnceForm
from agreements.models import DocumentKind, IssuedDocument
from agreements.services import DomainError
from agreements.services.documents import issue_document
from agreements.services.once import submit_once
from agreements.tasklist import FormAccess

logger = logging.getLogger(__name__)

# Who may issue: the agreement by an administrator or secretary of a party; the proposal by
# one of the deciding organisation (superusers always, via access.py).
# URL slugs for the two kinds (Swedish paths, English names in code).
KIND_SLUGS = {"overenskommelse": DocumentKind.AGREEMENT, "beslut": DocumentKind.PROPOSAL}


@login_required
@require_GET
def agreement_preview(request, pk):
    agreement = get_agreement_for(request.user, pk)
    doc = agreement_document(agreement)
    FormAccess(request.user).link(doc["warnings"])  # each gap links to the form filling it
    context = {
        "doc": doc,
        "agreement": agreement,
        "can_issue": has_role(request.user, agreement, *ISSUERS),
        "issue_kind": "overenskommelse",
        "once_form": SubmitOnceForm(),
    }
    return render(request, "documents/agreement_preview.html", context)


@login_required
@require_GET
def agreement_pdf(request, pk):
    agreement = get_agreement_for(request.user, pk)
    html = render_document_html(agreement_document(agreement))
    return _pdf_response(render_pdf(html), f"overenskommelse-{agreement.pk}.pdf")


@login_required
@require_GET
def proposal_preview(request, pk):
    decision = get_decision_for(request.user, pk)
    doc = proposal_document(decision)
    FormAccess(request.user).link(doc["warnings"])  # each gap links to the form filling it
    context = {
        "doc": doc,
        "decision": decision,
        "agreement": proposal_agreement(decision),
        "agreements": decision.agreements_in_order(),
        "can_issue": may_issue_proposal(request.user, decision),
        "issue_kind": "beslut",
        "once_form": SubmitOnceForm(),
    }
    return render(request, "documents/proposal_preview.html", context)


@login_required
@require_GET
def proposal_pdf(request, pk):
    decision = get_decision_for(request.user, pk)
    html = render_document_html(proposal_document(decision))
    return _pdf_response(render_pdf(html), f"beslutsforslag-{decision.pk}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def issue(request, kind, pk):
    """What issuing a version does (the page), then issuing it (its post)."""
    if kind not in KIND_SLUGS:
        raise Http404
    if KIND_SLUGS[kind] == DocumentKind.AGREEMENT:
        agreement, decision = get_agreement_for(request.user, pk, roles=ISSUERS), None
        back = redirect("documents:agreement_preview", pk)
    else:
        decision = get_decision_for(request.user, pk, roles=ISSUERS)
        agreement = proposal_agreement(decision)
        back = redirect("documents:proposal_preview", pk)
    if request.method == "GET":
        return _issue_page(request, kind, agreement, decision)
    once = SubmitOnceForm(request.POST)
    if not once.is_valid():
        messages.error(request, once.REFUSED)
        return back
    try:
        # Parallel clicks on the same button issue one version, which each of them shows.
        issued = submit_once(
            key=once.key,
            by=request.user,
            create=lambda: issue_document(
                agreement=agreement, kind=KIND_SLUGS[kind], decision=decision, by=request.user
            ),
        )
    except DomainError as error:
        messages.error(request, str(error))
        return back
    messages.success(
        request,
        _("%(kind)s version %(version)s är utfärdad.")
        % {"kind": issued.get_kind_display(), "version": issued.version},
    )
    return redirect("documents:versions", agreement.pk)


def _issue_page(request, kind, agreement, decision):
    if KIND_SLUGS[kind] == DocumentKind.AGREEMENT:
        doc, preview = (
            agreement_document(agreement),
            reverse("documents:agreement_preview", args=[agreement.pk]),
        )
    else:
        doc = proposal_document(decision)
        preview = reverse("documents:proposal_preview", args=[decision.pk])
    previous = (
        IssuedDocument.objects.filter(agreement=agreement, kind=KIND_SLUGS[kind])
        .defer("pdf")
        .order_by("-version")
        .first()
        if agreement is not None
        else None
    )
    context = {
        "doc": doc,
        "kind": kind,
        "kind_label": DocumentKind(KIND_SLUGS[kind]).label,
        "agreement": agreement,
        "previous": previous,
        "version": previous.version + 1 if previous else 1,
        "preview": preview,
        "once_form": SubmitOnceForm(),
    }
    return render(request, "documents/issue_confirm.html", context)


@login_required
@require_GET
def versions(request, pk):
    agreement = get_agreement_for(request.user, pk)
    issued = (
        agreement.issued_documents.defer("pdf")
        .select_related("issued_by", "decision", "replaces")
        .order_by("kind", "-version")
    )
    return render(request, "documents/versions.html", {"agreement": agreement, "issued": issued})


@login_required
@require_GET
def download(request, pk):
    document = get_issued_document_for(request.user, pk)
    data = bytes(document.pdf)
    if len(data) != document.size or hashlib.sha256(data).hexdigest() != document.sha256:
        # Stored bytes that no longer match their recorded hash are never handed out.
        logger.error("Issued document %s fails its SHA-256 check", document.pk)
        return render(request, "documents/tampered.html", {"document": document}, status=409)
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", document.identifier)
    return _pdf_response(data, f"{document.kind}-{name}-v{document.version}.pdf", attachment=True)


def _pdf_response(data, filename, *, attachment=False):
    disposition = "attachment" if attachment else "inline"
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Content-Length"] = str(len(data))
    return response
