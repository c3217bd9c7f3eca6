"""Both demo cases rendered to PDF and read back: the seeds' structure and facts, from data."""

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from pypdf import PdfReader
from weasyprint import HTML

from agreements.documents import (
    agreement_document,
    proposal_document,
    render_document_html,
    render_pdf,
)
from agreements.models import Decision
from funding.models import FundingLine
from tests.factories import make_agreement, make_party

from .helpers import (
    in_order,
    pdf_pages,
    pdf_text,
    skane_agreement,
    skane_proposal,
    vasterbotten_agreement,
    vasterbotten_decision,
)

pytestmark = pytest.mark.django_db

SKANE_ID = "C9A9AF79-D0AD-144A-6B9B-AB69B1378E63:1BC0A8D9-A98A-594D-A9FA-E660D5270CC2"

PROPOSAL_HEADINGS = [
    "Ordförandens förslag",
    "Sammanfattning",
    "I ärendet finns följande dokument",
    "Beskrivning av ärendet och skälen för förslaget",
    "Ekonomiska konsekvenser och finansiering",
    "Juridisk bedömning",
    "Miljökonsekvenser",
    "Samverkan med berörda fackliga organisationer",
    "Uppföljning",
]

AGREEMENT_HEADINGS = [
    "Bakgrund",
    "Parter",
    "Överenskommelsen avser",
    "Syfte och mål med partnerskapet",
    "Målgrupp",
    "Verksamhet som partnerskapet omfattar",
    "Värdegrund för partnerskapet",
    "Särskilt sårbara grupper",
    "Samverkan och uppföljning",
    "Mål för gemensamt lärande",
    "Vårdgivaransvar",
    "Parternas resursbidrag",
    "Ekonomi",
    "Tidsperiod för partnerskapet",
    "Omförhandling och uppsägning av partnerskapet",
    "Underskrifter",
]


def render(document):
    return render_pdf(render_document_html(document))


def test_skane_proposal_reproduces_the_seed(demo):
    pdf = render(proposal_document(skane_proposal()))
    pages = pdf_pages(pdf)
    text = " ".join(pages)

    assert len(pages) == 3
    for number, page in enumerate(pages, start=1):
        assert f"{number} (3)" in page
        assert SKANE_ID in page
        assert "Bim Soerich" in page and "Bim.Soerich@skane.se" in page
        assert "Datum 2020-02-05" in page
    assert in_order(text, ["Överenskommelse om IOP med Röda korset om barnverksamhet"])
    assert in_order(text, PROPOSAL_HEADINGS)
    for fact in [
        "Region Skåne",
        "Hälso- och sjukvårdsnämnden",
        "Hälso- och sjukvårdsnämnden ingår överenskommelse om Idéburet Offentligt Partnerskap",
        "400 000 kronor per år under 2021-2024",
        "Arbetsmarknads- och socialnämnden i Malmö stad fattar motsvarande beslut",
        "Beslutsförslag 2020-02-05",
        "Bilaga IOP Röda Korset 2021-2024",
        "Region Skåne har 2016-2020 en överenskommelse",
        "Regionfullmäktige beslutade 2010-06-29 § 57 att anta ett förslag",
        "Hälso- och sjukvårdsnämnden beslutade 2012-12-10 att teckna överenskommelser",
        "Hälso- och sjukvårdsnämnden beslutade 2015-12-02 § 190",
        "för perioden 2016-01-01 – 2018-12-31",
        "Hälso- och sjukvårdsnämnden beslutade 2018-03-01 § 15",
        "2019-01-01 – 2020-12-31",
        "gäller 2021-01-01 – 2024-12-31 med möjlighet till två års förlängning",
        "Barnverksamheten har funnits sedan 2010",
        "Överenskommelsens ekonomiska omfattning är 1 070 000 kronor per år",
        "Verksamheten finansieras av Region Skåne med 400 000 kronor, Malmö stad med "
        "400 000 kronor och Svenska Röda Korset med 270 000 kronor per år.",
        "Region Skånes del i finansieringen av överenskommelse om idéburet offentligt "
        "partnerskap belastar hälso- och sjukvårdsnämndens budget för övrig hälso- och "
        "sjukvård med 400 000 kronor per år 2021–2024.",
        "Samråd med regionjuristerna har inte bedömts nödvändigt.",
        "Ärendet medför inga miljökonsekvenser.",
        "Ingen samverkan/MBL-förhandling har bedömts nödvändig i ärendet.",
        "Uppdraget redovisas till hälso- och sjukvårdsnämnden",
    ]:
        assert fact in text, fact
    # The generated history comes before the free-text background, oldest decision first.
    assert in_order(
        text,
        ["2010-06-29 § 57", "2012-12-10", "2015-12-02 § 190", "2018-03-01 § 15", "Avanti"],
    )
    assert in_order(
        pages[-1], ["Gilbert Tribo", "Ordförande", "Pia Lundbom", "Hälso- och sjukvårdsdirektör"]
    )
    assert "saknas]" not in text


def test_vasterbotten_agreement_reproduces_the_seed(demo):
    pdf = render(agreement_document(vasterbotten_agreement()))
    pages = pdf_pages(pdf)
    text = " ".join(pages)

    assert len(pages) == 4
    for number, page in enumerate(pages, start=1):
        assert f"{number} (4)" in page
        assert "IOP-OK-" in page and "Utkast, ej utfärdad" in page
    assert text.startswith(
        "Överenskommelse om idéburet offentligt partnerskap mellan Region Västerbotten och "
        "Svenska Röda Korset"
    )
    assert in_order(text, AGREEMENT_HEADINGS)
    for fact in [
        "Svenska Röda Korset, avdelning Hälsa och vård, Box 17 563, 118 91 Stockholm. "
        "Organisationsnummer 802002-8711.",
        "Region Västerbotten, 901 89 Umeå. Organisationsnummer 232100-0222.",
        "Samarbete om behandlings- och stödinsatser",
        "Svenska Röda Korsets resursbidrag",
        "Region Västerbottens resursbidrag",
        "Resursbidrag med 1 726 000 kr per år. Uppräkning av resursbidraget sker årligen "
        "enligt LPIK exklusive läkemedel fr.o.m. 2027-01-01",
        "Vid behov tortyrskadeutredningar med stöd av SRK:s frivilligläkare samt jurister.",
        "Regionens regelverk för sjukresor gäller",
        "Region Västerbotten betalar ut resursbidraget en gång/år. Detta görs i januari månad.",
        "Utbetalning ska ske till Svenska Röda Korset, bankgiro 403-4849.",
        "Referenskod 825-V10050 ska anges",
        "Utgångspunkt för första uppräkning är det preliminära LPIK exklusive läkemedel för "
        "2027 som publiceras av Sveriges Kommuner och Regioner (SKR) i oktober 2026.",
        "Om publicering av LPIK exkl. läkemedel på SKR:s hemsida upphör ska parterna "
        "överenskomma ett nytt index",
        "Överenskommelsen avser perioden 2026-01-01 till och med 2028-12-31.",
        "äger båda parterna rätten att när som helst begära omförhandling",
        "Vid uppsägning gäller nio månaders uppsägningstid.",
        "Signeras digitalt",
    ]:
        assert fact in text, fact
    # The follow-up is printed from the obligations, in the seed's section and order.
    assert in_order(
        text,
        [
            "Samverkan och uppföljning",
            "Parterna är överens om att hålla samverkansmöten för dialog och uppföljning",
            "SRK kallar till samverkansmötena, som hålls minst tre gånger per år.",
            "SRK lämnar skriftliga uppföljningar varje tertial.",
            "SRK ska årligen, före den 1 mars, lämna in verksamhetsberättelse, "
            "verksamhetsplan och patientsäkerhetsberättelse till utsedd kontaktperson i "
            "Regionen.",
            "Mål för gemensamt lärande",
        ],
    )
    assert in_order(
        text,
        [
            "Underskrifter",
            "Pia Näsvall Hälso- och sjukvårdsdirektör Region Västerbotten",
            "Ulrika Wickman Avdelningschef Hälsa och vård Svenska Röda Korset",
            "Ulrika Modéer Generalsekreterare Svenska Röda Korset",
        ],
    )
    assert "saknas]" not in text


def test_skane_agreement_names_all_three_parties_and_shows_what_is_missing(demo):
    document = agreement_document(skane_agreement())
    text = pdf_text(render(document))
    assert text.startswith(
        "Överenskommelse om idéburet offentligt partnerskap mellan Region Skåne, Malmö stad "
        "och Svenska Röda Korset"
    )
    for fact in [
        "Organisationsnummer 232100-0255",
        "Organisationsnummer 212000-1124",
        "Organisationsnummer 802002-8711",
        "Röda Korsets behandlingscentrum för krigs- och tortyrskadade i Malmö",
        "Resursbidrag med 400 000 kr per år.",
        "Resursbidrag med 270 000 kr per år.",
        "Överenskommelsen avser perioden 2021-01-01 till och med 2024-12-31.",
        "Överenskommelsen kan förlängas med två år.",
        "[Postadress saknas för Region Skåne]",
        "[Uppsägningstid saknas]",
        "[Undertecknare saknas]",
    ]:
        assert fact in text, fact
    assert "Uppsägningstid saknas" in document["warnings"]


def test_a_payment_plan_without_a_receiver_is_a_visible_gap(demo):
    agreement = vasterbotten_agreement()
    FundingLine.objects.filter(agreement=agreement).update(receiver=None)
    document = agreement_document(agreement)
    text = pdf_text(render(document))
    assert "Utbetalning ska ske till [Mottagare saknas för Region Västerbotten" in text
    assert any(w.startswith("Mottagare saknas") for w in document["warnings"])


def test_vasterbotten_decision_without_data_prints_placeholders(demo):
    document = proposal_document(vasterbotten_decision())
    pages = pdf_pages(render(document))
    text = " ".join(pages)
    # No chair of a named committee signs it, so it is not the chair's proposal.
    assert in_order(text, ["Förslag till beslut", *PROPOSAL_HEADINGS[1:]])
    assert "Ordförandens förslag" not in text
    for placeholder in [
        "[Handläggare saknas]",
        "[Datum saknas]",
        "[Beslutande organ saknas]",
        "[Beslutspunkter saknas]",
        "[Sammanfattning saknas]",
        "[Budget som finansieringen belastar saknas]",
        "[Ordförande saknas]",
        "[Diarienummer saknas]",
    ]:
        assert placeholder in text, placeholder
        assert placeholder.strip("[]") in document["warnings"]
    # What the data does hold is still generated: the period and the money.
    assert "Den föreslagna överenskommelsen gäller 2026-01-01 – 2028-12-31." in text
    assert "1 726 000 kronor per år" in text
    for number, page in enumerate(pages, start=1):
        assert f"{number} ({len(pages)})" in page
        assert f"IOP-BF-{vasterbotten_decision().pk:06d}" in page


def test_pdf_is_archival_with_metadata_and_embedded_dejavu_fonts(demo):
    pdf = render(proposal_document(skane_proposal()))
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Överenskommelse om IOP med Röda korset om barnverksamhet"
    assert reader.metadata.author == "Region Skåne"
    assert reader.metadata.subject == "Beslutsförslag till Hälso- och sjukvårdsnämnden"
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in xmp and b"3" in xmp
    assert pdf[:8].startswith(b"%PDF-")
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font.get("/DescendantFonts")
            described = descendant[0].get_object() if descendant else font
            descriptor = described["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts and all(fonts.values()), fonts
    assert all("DejaVu" in name for name in fonts), fonts


def test_pdf_is_tagged_for_screen_readers_and_still_pdf_a(demo):
    reader = PdfReader(io.BytesIO(render(agreement_document(vasterbotten_agreement()))))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    structure = root["/StructTreeRoot"].get_object()
    kinds = set()
    pending = [structure]
    while pending:
        element = pending.pop()
        kinds.add(str(element.get("/S", "")))
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict):
                pending.append(kid)
    assert {"/Document", "/H1", "/H2", "/P"} <= kinds, kinds
    assert root["/Lang"] == "sv"
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3" pdfaid:conformance="B"' in xmp


def test_agreement_without_anything_renders_with_placeholders(db):
    agreement = make_agreement(make_party("Ensam förening"))
    document = agreement_document(agreement)
    text = pdf_text(render(document))
    assert "[Finansiering saknas]" in text
    assert "[Parternas resursbidrag saknas]" in text
    assert "[Vad överenskommelsen avser saknas]" in text
    assert "Överenskommelsen behöver minst två parter" in document["warnings"]


def test_decision_without_agreement_renders_with_placeholders(db):
    decision = Decision.objects.create(organisation=make_party("Region Test", kind="region"))
    document = proposal_document(decision)
    text = pdf_text(render(document))
    assert "[Finansiering saknas]" in text
    assert "Beslutet är inte kopplat till någon överenskommelse" in document["warnings"]


def test_yearly_amounts_that_differ_are_listed_by_year(db):
    region = make_party("Region Norr", kind="region")
    agreement = make_agreement(region, make_party("Förening Norr"))
    line = FundingLine.objects.create(agreement=agreement, party=region, purpose="Resursbidrag")
    for year, amount in [(2026, 100_000), (2027, 120_000), (2028, 140_000)]:
        line.shares.create(year=year, amount=amount)
    decision = Decision.objects.create(organisation=region, body="Regionstyrelsen")
    decision.agreements.add(agreement)
    text = pdf_text(render(proposal_document(decision)))
    assert (
        "omfattning är 100 000 kronor 2026, 120 000 kronor 2027 och 140 000 kronor 2028, "
        "totalt 360 000 kronor för 2026–2028" in text
    )


def test_rendering_fetches_no_files_or_urls(tmp_path):
    leak = tmp_path / "leak.css"
    leak.write_text('p::after { content: " LÄCKT" }')
    html = f'<html><head><link rel="stylesheet" href="file://{leak}"></head><body><p>Text</p></body></html>'
    assert pdf_text(render_pdf(html)) == "Text"
    # WeasyPrint's own default fetcher would have loaded it.
    assert "LÄCKT" in pdf_text(HTML(string=html).write_pdf())


def test_a_server_process_that_made_a_pdf_exits_cleanly():
    """WeasyPrint's native objects are released before its libraries are unloaded at exit: a
    font configuration kept for the process's life was freed after them, and the process
    (a gunicorn worker, `make bench`) died of a segmentation fault on its way out."""
    code = "import iop.wsgi\nfrom agreements.documents import render_pdf\nrender_pdf('<p>Text</p>')"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "iop.settings", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
