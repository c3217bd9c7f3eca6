"""The printed documents: decision proposal (beslutsförslag) and agreement (överenskommelse)."""

from .context import (
    agreement_document,
    agreement_gaps,
    agreement_identifier,
    proposal_agreement,
    proposal_document,
    proposal_gaps,
    proposal_identifier,
)
from .rendering import PDF_VARIANT, render_document_html, render_pdf

__all__ = [
    "PDF_VARIANT",
    "agreement_document",
    "agreement_gaps",
    "agreement_identifier",
    "proposal_agreement",
    "proposal_document",
    "proposal_gaps",
    "proposal_identifier",
    "render_document_html",
    "render_pdf",
]
