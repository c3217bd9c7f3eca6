"""HTML and PDF of the printed documents: one template for the preview and the PDF."""

from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from agreements.models import DocumentKind

TEMPLATES = {
    DocumentKind.AGREEMENT: "documents/agreement.html",
    DocumentKind.PROPOSAL: "documents/proposal.html",
}
# Archival PDF: fonts embedded, metadata from <title> and <meta name=author|description>.
PDF_VARIANT = "pdf/a-3b"
# Tagged (headings, paragraphs, tables, reading order) so screen readers can read a published
# document; PDF/A-3b allows the tags and keeps the archival variant.
PDF_TAGS = True
PRINT_CSS = "css/print.css"


def render_document_html(document):
    """The standalone HTML WeasyPrint lays out; always Swedish, whatever the user's language."""
    with translation.override("sv"):
        return render_to_string(TEMPLATES[document["kind"]], {"doc": document})


@lru_cache(maxsize=1)
def print_stylesheet():
    """The parsed print stylesheet, parsed once per process."""
    from weasyprint import CSS  # heavy import, kept out of Django's start-up

    return CSS(filename=finders.find(PRINT_CSS))


def render_pdf(html, *, base_url=None):
    """Tagged PDF/A bytes of the HTML, laid out with the print stylesheet."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # The documents load nothing: no file or network access from text someone typed. Only
    # data: URIs are read, which hold their own bytes (the letterhead's logo, embedded by
    # agreements.documents.letterhead): they reach no file and no network.
    fetcher = URLFetcher(allowed_protocols=("data",))
    document = HTML(string=html, base_url=base_url or str(settings.BASE_DIR), url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[print_stylesheet()], pdf_variant=PDF_VARIANT, pdf_tags=PDF_TAGS
    )
