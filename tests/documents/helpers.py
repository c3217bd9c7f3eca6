"""Reading the produced PDFs back: text per page, metadata, fonts."""

import io
import re
from datetime import date

from pypdf import PdfReader

from agreements.models import Agreement, Decision


def pdf_pages(data):
    """The text of each page, whitespace (narrow and no-break spaces too) collapsed."""
    reader = PdfReader(io.BytesIO(bytes(data)))
    return [flatten(page.extract_text()) for page in reader.pages]


def pdf_text(data):
    return " ".join(pdf_pages(data))


def flatten(text):
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("\u2060", "")).strip()


def vasterbotten_agreement():
    return Agreement.objects.get(parties__party__name="Region Västerbotten")


def vasterbotten_decision():
    return Decision.objects.get(organisation__name="Region Västerbotten")


def skane_agreement():
    return Agreement.objects.get(parties__party__name="Region Skåne", period_start=date(2021, 1, 1))


def skane_proposal():
    return Decision.objects.get(organisation__name="Region Skåne", outcome="proposed")


def in_order(text, phrases):
    """Whether the phrases occur in the text in this order."""
    position = -1
    for phrase in phrases:
        position = text.find(phrase, position + 1)
        if position < 0:
            return False
    return True
