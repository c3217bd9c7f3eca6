"""A decision that covers several agreements prints every one of them, read back from the PDF."""

from datetime import date

import pytest
from django.urls import reverse

from agreements.documents import proposal_document, render_document_html, render_pdf
from agreements.models import Decision
from agreements.services import DomainError
from agreements.services.documents import issue_document
from funding.models import ShareKind
from tests.factories import make_agreement, make_line, make_member, make_party, make_user

from .helpers import in_order, pdf_text

pytestmark = pytest.mark.django_db


def render(document):
    return render_pdf(render_document_html(document))


@pytest.fixture
def committee():
    """One committee decision of Kommun Väst entering three agreements with three
    non-profits, each with its own amounts and co-financiers."""
    kommun = make_party("Kommun Väst", kind="municipality")
    region = make_party("Region Norr", kind="region")
    first = make_agreement(kommun, make_party("Förening Ett"), title="Läxhjälp")
    second = make_agreement(
        kommun, region, make_party("Förening Två"), title="Stödsamtal", end=date(2027, 12, 31)
    )
    third_party = make_party("Förening Tre")
    third = make_agreement(kommun, third_party, title="Fritidsgård")
    budget = "socialnämndens budget för förebyggande arbete"
    make_line(first, kommun, {2026: 100_000, 2027: 100_000, 2028: 100_000}, budget=budget)
    make_line(second, kommun, {2026: 250_000, 2027: 300_000}, budget=budget)
    make_line(second, region, {2026: 50_000, 2027: 50_000})
    make_line(third, kommun, {2026: 40_000, 2027: 40_000, 2028: 40_000}, budget=budget)
    make_line(
        third,
        third_party,
        {2026: 90_000, 2027: 90_000, 2028: 90_000},
        kind=ShareKind.IN_KIND,
        purpose="ideellt arbete",
    )
    decision = Decision.objects.create(
        organisation=kommun,
        body="Socialnämnden",
        title="IOP med tre föreningar",
        case_number="SN 2025/117",
        chair_name="Ada Ordf",
        chair_title="Ordförande",
    )
    decision.agreements.set([first, second, third])
    return decision


def test_a_decision_covering_three_agreements_prints_each_and_the_sums(committee):
    document = proposal_document(committee)
    text = pdf_text(render(document))

    # The agreements in the list's order (newest period first, then by title).
    assert in_order(
        text,
        [
            "Förslaget gäller 3 överenskommelser: Fritidsgård med Förening Tre, 2026-01-01 – "
            "2028-12-31; Läxhjälp med Förening Ett, 2026-01-01 – 2028-12-31; Stödsamtal med "
            "Region Norr och Förening Två, 2026-01-01 – 2027-12-31.",
            "Fritidsgård, 2026-01-01 – 2028-12-31",
            "Parter: Kommun Väst och Förening Tre.",
            "ekonomiska omfattning är 40 000 kronor per år, totalt 120 000 kronor för 2026–2028",
            "Verksamheten finansieras av Kommun Väst med 40 000 kronor per år, totalt 120 000 "
            "kronor.",
            "Därutöver bidrar Förening Tre med insatser i annan form än pengar (ideellt arbete), "
            "värderade till 90 000 kronor per år. Insatser i annan form än pengar ingår inte i "
            "finansieringen.",
            "Läxhjälp, 2026-01-01 – 2028-12-31",
            "Parter: Kommun Väst och Förening Ett.",
            "ekonomiska omfattning är 100 000 kronor per år, totalt 300 000 kronor för 2026–2028",
            "Kommun Väst med 100 000 kronor per år, totalt 300 000 kronor",
            "Stödsamtal, 2026-01-01 – 2027-12-31",
            "Parter: Kommun Väst, Region Norr och Förening Två.",
            "ekonomiska omfattning är 300 000 kronor 2026 och 350 000 kronor 2027, totalt "
            "650 000 kronor för 2026–2027",
            "Kommun Väst med 250 000 kronor 2026 och 300 000 kronor 2027, totalt 550 000 kronor; "
            "Region Norr med 50 000 kronor per år, totalt 100 000 kronor",
            "Kommun Västs del i finansieringen av överenskommelse om idéburet offentligt "
            "partnerskap belastar socialnämndens budget för förebyggande arbete med 250 000 "
            "kronor 2026 och 300 000 kronor 2027.",
            "Beslutet totalt",
            "Beslutet omfattar 3 överenskommelser med en sammanlagd finansiering av 440 000 "
            "kronor 2026, 490 000 kronor 2027 och 140 000 kronor 2028, totalt 1 070 000 kronor "
            "för 2026–2028.",
            "Kommun Västs del är 390 000 kronor 2026, 440 000 kronor 2027 och 140 000 kronor "
            "2028, totalt 970 000 kronor.",
        ],
    ), text
    # The in-kind 90 000 is in no financing sum; no agreement's figures stand for the others.
    assert "Förening Tre med 90 000" not in text
    assert "dokumentet bygger på" not in text
    assert "Diarienummer SN 2025/117" in text
    assert "Ordförandens förslag" in text  # the chair of a committee signs it
    assert not [w for w in document["warnings"] if "Belopp" in w or "Finansiering" in w]


def test_a_year_without_an_amount_is_a_gap_that_blocks_issuing(committee):
    second = committee.agreements.get(title="Stödsamtal")
    line = second.funding_lines.get(party__name="Region Norr")
    line.shares.filter(year=2027).delete()

    document = proposal_document(committee)
    text = pdf_text(render(document))

    assert "[Belopp saknas för Region Norr 2027 i Stödsamtal]" in text
    assert "Belopp saknas för Region Norr 2027 i Stödsamtal" in document["warnings"]
    with pytest.raises(DomainError, match="Belopp saknas för Region Norr 2027"):
        issue_document(agreement=second, kind="proposal", decision=committee, by=make_user("sekr"))


def test_a_decision_without_case_number_or_document_id_shows_the_gap(committee):
    committee.case_number = ""
    committee.save()
    document = proposal_document(committee)
    assert "[Diarienummer saknas]" in pdf_text(render(document))
    assert "Diarienummer saknas" in document["warnings"]


def test_a_proposal_to_the_council_gets_the_general_heading(committee):
    committee.body = "Kommunfullmäktige"
    committee.save()
    text = pdf_text(render(proposal_document(committee)))
    assert "Förslag till beslut" in text
    assert "Ordförandens förslag" not in text


def test_the_preview_links_every_agreement_the_decision_covers(committee, client):
    client.force_login(make_member("sekr_vast", committee.organisation, "secretary"))
    page = client.get(reverse("documents:proposal_preview", args=[committee.pk]))
    text = page.content.decode()
    for agreement in committee.agreements.all():
        assert reverse("documents:agreement_preview", args=[agreement.pk]) in text
    assert "Beslutet omfattar 3 överenskommelser" in text
