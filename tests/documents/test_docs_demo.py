"""`make docs-demo`: each demo case's proposal and agreement as PDF, and PNGs of its first
page and its signature page; every printed document is tagged (pdfinfo)."""

import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from agreements.management.commands.docs_demo import signature_page
from agreements.models import DocumentKind
from agreements.services.documents import issue_document

from .helpers import pdf_pages, vasterbotten_agreement

pytestmark = pytest.mark.django_db

CASES = [
    # (file, pages or None, text that stands only in its signature block)
    ("region-skane-beslutsforslag", 3, "Pia Lundbom"),
    ("region-skane-overenskommelse", None, "Underskrifter"),
    ("region-vasterbotten-beslutsforslag", None, "[Direktör saknas]"),
    ("region-vasterbotten-overenskommelse", 4, "Underskrifter"),
]


def pdfinfo(path):
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout


def test_docs_demo_writes_pdfs_and_first_and_signature_page_images(demo, tmp_path):
    call_command("docs_demo", out=str(tmp_path), dpi=30)
    for case, pages, signed_text in CASES:
        pdf = (tmp_path / f"{case}.pdf").read_bytes()
        texts = pdf_pages(pdf)
        assert pages is None or len(texts) == pages
        images = sorted(p.name for p in tmp_path.glob(f"{case}-*.png"))
        [signed] = [re.fullmatch(rf"{case}-underskrifter-sida-(\d+)\.png", i) for i in images[1:]]
        assert images[0] == f"{case}-sida-1.png"
        # The page named is the one that shows the signatures (read back with pypdf).
        number = int(signed[1])
        assert signed_text in texts[number - 1]
        assert not any(signed_text in text for text in texts[number:])
        assert number > 1  # none of the demo documents is signed on its first page
        for image in images:
            assert (tmp_path / image).read_bytes().startswith(b"\x89PNG")
        assert re.search(r"^Tagged:\s+yes$", pdfinfo(tmp_path / f"{case}.pdf"), re.M)
    placeholders = " ".join(
        pdf_pages((tmp_path / "region-vasterbotten-beslutsforslag.pdf").read_bytes())
    )
    assert "[Handläggare saknas]" in placeholders


def test_an_issued_document_is_tagged(demo, tmp_path):
    issued = issue_document(
        agreement=vasterbotten_agreement(),
        kind=DocumentKind.AGREEMENT,
        by=get_user_model().objects.get(username="region.vasterbotten"),
    )
    path = tmp_path / "issued.pdf"
    path.write_bytes(bytes(issued.pdf))
    info = pdfinfo(path)
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    assert re.search(r"^PDF version:\s+1\.7$", info, re.M)


def test_the_signature_page_is_the_last_that_shows_the_marker():
    pages = ["Underskrifter i innehållet", "Text", "Under-\nskrifter", "Under\u00a0skrifter"]
    assert signature_page(pages, "Under skrifter") == 4
    assert signature_page(pages, "Underskrifter") == 1
    assert signature_page(["A", "Anna\nAndersson", "B"], "Anna Andersson") == 2
    with pytest.raises(CommandError):
        signature_page(pages, "Ort och datum")
