"""The printed documents' letterhead and page layout: the issuing organisation's logo and name
in the header of every page, its house font, the header and footer aligned with the text
block, and signatures kept with their heading and with some of the text before them."""

import io

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader

from agreements.documents import (
    agreement_document,
    proposal_document,
    render_document_html,
    render_pdf,
)
from agreements.models import Agreement, PartyKind, Signatory
from tests.agreements.test_letterhead import image
from tests.factories import make_agreement, make_party

from .helpers import pdf_pages, vasterbotten_agreement, vasterbotten_decision

pytestmark = pytest.mark.django_db


def render(document):
    return render_pdf(render_document_html(document))


def lines(page):
    """[(x, y, text)] of each piece of text on the page, in points from the lower left."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def images(page):
    return [
        name
        for name, obj in page["/Resources"].get("/XObject", {}).items()
        if obj.get_object()["/Subtype"] == "/Image"
    ]


def first_page_fonts(reader):
    return {
        str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()
    }


def set_logo(party, data=None):
    party.logo.save("logo.png", ContentFile(data or image()), save=True)


def test_header_and_footer_start_where_the_text_block_starts(demo):
    reader = PdfReader(io.BytesIO(render(agreement_document(vasterbotten_agreement()))))
    for page in reader.pages:
        found = lines(page)
        header = [x for x, y, text in found if text.startswith("Region Västerbotten") and y > 740]
        stamp = [x for x, y, text in found if text.startswith("IOP-OK-") and y < 60]
        body = [x for x, y, _text in found if 60 < y < 730]
        assert header and stamp and body
        assert abs(header[0] - min(body)) < 0.5, (header, min(body))
        assert abs(stamp[0] - min(body)) < 0.5


def test_agreement_carries_its_public_partys_letterhead_on_every_page(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    agreement = vasterbotten_agreement()
    region = agreement.parties.get(party__kind=PartyKind.REGION).party
    nonprofit = agreement.parties.exclude(party=region).first().party
    set_logo(nonprofit, image(size=(300, 300)))  # the partner's logo is not printed
    set_logo(region)

    reader = PdfReader(io.BytesIO(render(agreement_document(agreement))))

    assert all(len(images(page)) == 1 for page in reader.pages)
    xobject = reader.pages[0]["/Resources"]["/XObject"]
    logo = next(iter(xobject.values())).get_object()
    assert (logo["/Width"], logo["/Height"]) == (120, 40)
    for page in reader.pages:
        assert [text for _x, y, text in lines(page) if y > 740][0] == "Region Västerbotten"


def test_proposal_carries_the_deciding_organisations_logo(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    decision = vasterbotten_decision()
    set_logo(decision.organisation)
    reader = PdfReader(io.BytesIO(render(proposal_document(decision))))
    assert all(len(images(page)) == 1 for page in reader.pages)


def test_a_missing_logo_file_prints_the_name_alone(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    region = make_party("Region Norr", kind=PartyKind.REGION)
    agreement = make_agreement(make_party("Förening Norr"), region)
    set_logo(region)
    region.logo.storage.delete(region.logo.name)
    document = agreement_document(agreement)
    assert document["letterhead"] == {"name": "Region Norr", "logo": None, "font": ""}
    reader = PdfReader(io.BytesIO(render(document)))
    assert images(reader.pages[0]) == []
    assert [text for _x, y, text in lines(reader.pages[0]) if y > 740] == ["Region Norr", "1 (1)"]


def test_the_house_font_is_embedded(db):
    region = make_party("Region Norr", kind=PartyKind.REGION, document_font="dejavu-serif")
    agreement = make_agreement(region, make_party("Förening Norr"))
    reader = PdfReader(io.BytesIO(render(agreement_document(agreement))))
    fonts = {
        str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()
    }
    # Headings, text and the running header alike.
    assert fonts and all("DejaVu-Serif" in name for name in fonts), fonts
    plain = make_agreement(make_party("Region Syd", kind=PartyKind.REGION), make_party("F"))
    reader = PdfReader(io.BytesIO(render(agreement_document(plain))))
    fonts = {
        str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert not any("Serif" in name for name in fonts), fonts


def test_signatures_stay_with_their_heading_and_never_stand_alone(db):
    """The text before the signatures grows a paragraph at a time across a page break: the
    signatures, their heading and some text before them always share a page."""
    agreement = make_agreement(
        make_party("Region Norr", kind=PartyKind.REGION), make_party("Förening Norr")
    )
    for i, party in enumerate(agreement.parties.all()):
        Signatory.objects.create(agreement_party=party, name=f"Undertecknare {i}", title="Chef")
    section = agreement.sections.create(heading="Verksamhet")
    for count in range(62, 80, 3):
        section.body = "\n\n".join(f"Stycke {i} om verksamheten." for i in range(count))
        section.save()
        pages = pdf_pages(render(agreement_document(Agreement.objects.get(pk=agreement.pk))))
        [page] = [page for page in pages if "Underskrifter" in page]
        before, signatures = page.split("Underskrifter", 1)
        assert signatures.count("Ort och datum") == 2, (count, page)
        assert "Undertecknare 0" in signatures and "Undertecknare 1" in signatures
        # More than the page's running header (the issuer's name) precedes the heading.
        assert len(before.replace("Region Norr", "").strip()) > 40, (count, page)
