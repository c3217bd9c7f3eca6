"""`make docs-demo`: each demo case's proposal and agreement as PDF and a PNG per page."""

import pytest
from django.core.management import call_command

from .helpers import pdf_pages

pytestmark = pytest.mark.django_db


def test_docs_demo_writes_pdfs_and_page_images(demo, tmp_path):
    call_command("docs_demo", out=str(tmp_path), dpi=30)
    for case, pages in [
        ("region-skane-beslutsforslag", 3),
        ("region-skane-overenskommelse", None),
        ("region-vasterbotten-beslutsforslag", None),
        ("region-vasterbotten-overenskommelse", 4),
    ]:
        pdf = (tmp_path / f"{case}.pdf").read_bytes()
        count = len(pdf_pages(pdf))
        assert pages is None or count == pages
        images = sorted(tmp_path.glob(f"{case}-*.png"))
        assert len(images) == count
        assert all(image.read_bytes().startswith(b"\x89PNG") for image in images)
    placeholders = " ".join(
        pdf_pages((tmp_path / "region-vasterbotten-beslutsforslag.pdf").read_bytes())
    )
    assert "[Handläggare saknas]" in placeholders
