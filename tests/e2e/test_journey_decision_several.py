"""One committee decision enters three agreements with three non-profits, in a real browser,
without /admin/: the municipality's administrator registers the agreements, its secretary
prepares one proposal covering all three, issues it and records the decision.

Only the people and the organisations are made here; everything else is typed and clicked."""

import re

import pytest
from playwright.sync_api import expect

from agreements.models import Decision, DecisionOutcome, PartyKind
from tests.factories import make_party

from .conftest import shot
from .steps import (
    assert_no_admin,
    choose,
    field,
    issue_and_download,
    log_in,
    make_login,
    row,
    saved,
    watched,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BUDGET = "Socialnämndens budget för förebyggande arbete"
# title, non-profit, yearly amounts 2026–2028 of the municipality, a line in kind or None
AGREEMENTS = [
    ("Läxhjälp", "Föreningen Läxhjälpen", ["100000", "100000", "100000"], None),
    ("Stödsamtal", "Föreningen Samtal", ["250000", "300000", "350000"], None),
    ("Fritidsgård", "Föreningen Gården", ["40000", "40000", "40000"], ["90000"] * 3),
]


@pytest.fixture
def world(transactional_db):
    town = make_party("Norra kommun", kind=PartyKind.MUNICIPALITY)
    make_login("admin.norra", town, "administrator")
    make_login("sekreterare.norra", town, "secretary")
    nonprofits = {name: make_party(name) for _title, name, _amounts, _kind in AGREEMENTS}
    return {"town": town, **nonprofits}


def register(page, title, nonprofit, amounts, in_kind):
    menu = page.get_by_role("navigation", name="Huvudmeny")
    menu.get_by_role("link", name="Överenskommelser").click()
    page.get_by_role("link", name="Ny överenskommelse").click()
    field(page, "Titel").fill(title)
    field(page, "Diarienummer").fill("SN 2025/117")
    field(page, "Gäller från").fill("2026-01-01")
    field(page, "Gäller till och med").fill("2028-12-31")
    field(page, "Uppsägningstid (månader)").fill("6")
    # The three agreements are one case: the shared case number is confirmed once asked.
    choose(row(page, "Part 1"), "Roll", "Offentlig part")
    field(row(page, "Part 2"), "Eller organisationsnummer").fill(nonprofit.org_number)
    choose(row(page, "Part 2"), "Roll", "Idéburen part")
    create = page.get_by_role("button", name="Skapa och gå vidare till finansiering")
    create.click()
    same_case = page.get_by_label("Ja, samma ärende: spara med samma diarienummer")
    finance = page.get_by_role("heading", level=1, name="Finansiering")
    expect(same_case.or_(finance)).to_be_visible()
    if same_case.is_visible():
        same_case.check()
        create.click()
    expect(finance).to_be_visible()

    line = row(page, "Finansieringsrad 1")
    choose(line, "Part", "Norra kommun")
    field(line, "Belastar budget").fill(BUDGET)
    for year, amount in zip(["2026", "2027", "2028"], amounts, strict=True):
        field(line, f"{year} (kr)").fill(amount)
    if in_kind:
        line = row(page, "Finansieringsrad 2")
        choose(line, "Part", nonprofit.name)
        choose(line, "Form", "I annan form (värderat)")
        field(line, "Ändamål").fill("ideellt arbete")
        for year, amount in zip(["2026", "2027", "2028"], in_kind, strict=True):
            field(line, f"{year} (kr)").fill(amount)
    page.get_by_role("button", name="Spara finansieringen").click()
    saved(page, "Finansieringen är sparad.")
    page.get_by_role("button", name="Skicka till beslut").click()
    expect(page.locator(".page-head .badge")).to_have_text("Föreslagen")
    return page.url


def prepare(page, first_url):
    """The proposal, started from one agreement, then made to cover the other two."""
    page.goto(first_url)
    page.get_by_role("link", name="Förbered beslutsförslag").click()
    form = page.get_by_role("group", name="Förslaget")
    field(form, "Beslutande organ").fill("Socialnämnden")
    field(form, "Ärende").fill("IOP med tre föreningar")
    field(form, "Diarienummer").fill("SN 2025/117")
    field(form, "Förslagets datum").fill("2026-01-10")
    field(form, "Handläggare").fill("Bo Handläggare")
    field(form, "Handläggarens e-post").fill("bo.handlaggare@example.org")
    field(form, "Sammanfattning").fill("Nämnden föreslås ingå tre partnerskap.")
    field(form, "Beskrivning av ärendet").fill("Tre föreningar arbetar förebyggande.")
    field(form, "Juridisk bedömning").fill("Partnerskapen är förenliga med lag.")
    field(form, "Miljökonsekvenser").fill("Inga.")
    field(form, "Samverkan med berörda fackliga organisationer").fill("Har skett.")
    field(form, "Uppföljning").fill("Nämnden följer upp partnerskapen varje år.")
    field(form, "Ordförande").fill("Ada Ordförande")
    field(form, "Ordförandens titel").fill("Ordförande")
    field(form, "Direktör").fill("Dan Direktör")
    field(form, "Direktörens titel").fill("Socialdirektör")
    field(row(page, "Punkt 1"), "Beslutspunkt").fill(
        "Socialnämnden ingår de tre överenskommelserna."
    )
    field(row(page, "Dokument 1"), "Nummer").fill("1")
    field(row(page, "Dokument 1"), "Dokument").fill("Överenskommelserna")
    page.get_by_role("button", name="Spara förslaget").click()
    saved(page, "Beslutsförslaget är sparat.")

    page.get_by_role("link", name="Ändra förslaget").click()
    covered = page.get_by_role("group", name="Överenskommelser som beslutet gäller")
    for title, *_rest in AGREEMENTS:
        box = covered.get_by_label(f"{title} (2026–2028)")
        box.check()
        expect(box).to_be_checked()
    page.get_by_role("button", name="Spara förslaget").click()
    saved(page, "Beslutsförslaget är sparat.")
    for title, *_rest in AGREEMENTS:
        expect(page.get_by_role("link", name=f"{title} (2026–2028)")).to_be_visible()

    # Ticked in page order after the one it started from, the decision lists Läxhjälp,
    # Fritidsgård, Stödsamtal; the secretary puts Fritidsgård first.
    page.get_by_role("link", name="Ändra förslaget").click()
    page.get_by_role("button", name="Flytta upp Fritidsgård (2026–2028)").click()
    page.get_by_role("button", name="Spara förslaget").click()
    saved(page, "Beslutsförslaget är sparat.")
    return page.url


def test_one_decision_enters_three_agreements(new_page, world):
    admin = watched(new_page())
    log_in(admin, "admin.norra")
    urls = [
        register(admin, title, world[name], amounts, in_kind)
        for title, name, amounts, in_kind in AGREEMENTS
    ]

    secretary = watched(new_page())
    log_in(secretary, "sekreterare.norra")
    decision_url = prepare(secretary, urls[0])
    secretary.get_by_role("link", name="Beslutsförslaget (förhandsvisning)").click()
    text = issue_and_download(secretary, "Beslutsförslag")
    shot(secretary, "several-01-versions")

    secretary.goto(decision_url)
    secretary.get_by_role("link", name="Registrera beslutet").click()
    field(secretary, "Beslutande organ").fill("Socialnämnden")
    field(secretary, "Beslutsdatum").fill("2026-01-20")
    field(secretary, "Paragraf").fill("12")
    field(secretary, "Utfall").select_option(label="Bifall")
    secretary.get_by_role("button", name="Fortsätt").click()  # a check page before recording
    expect(secretary.get_by_role("heading", level=1)).to_have_text("Kontrollera beslutet")
    secretary.get_by_role("button", name="Registrera beslutet").click()
    saved(secretary, "Beslutet är registrerat.")

    decision = Decision.objects.get(organisation=world["town"])
    assert decision.outcome == DecisionOutcome.APPROVED
    assert sorted(a.title for a in decision.agreements.all()) == sorted(
        title for title, *_rest in AGREEMENTS
    )
    # Each agreement shows the one decision.
    for url in urls:
        admin.goto(url)
        decisions = admin.get_by_role("region", name="Beslut", exact=True)
        expect(decisions.get_by_role("link", name="Norra kommun")).to_be_visible()
        expect(decisions).to_contain_text("§ 12")

    assert_no_admin(admin, secretary)
    check_proposal_pdf(text)


def check_proposal_pdf(text):
    assert "Version 1, utfärdad" in text
    assert "Diarienummer SN 2025/117" in text
    assert "Socialnämnden ingår de tre överenskommelserna." in text
    expected = [
        "Förslaget gäller 3 överenskommelser: Fritidsgård med Föreningen Gården, 2026-01-01 – "
        "2028-12-31; Läxhjälp med Föreningen Läxhjälpen, 2026-01-01 – 2028-12-31; Stödsamtal "
        "med Föreningen Samtal, 2026-01-01 – 2028-12-31.",
        "Fritidsgård, 2026-01-01 – 2028-12-31",
        "Parter: Norra kommun och Föreningen Gården.",
        "ekonomiska omfattning är 40 000 kronor per år, totalt 120 000 kronor för 2026–2028",
        "Därutöver bidrar Föreningen Gården med insatser i annan form än pengar (ideellt "
        "arbete), värderade till 90 000 kronor per år.",
        "Läxhjälp, 2026-01-01 – 2028-12-31",
        "Parter: Norra kommun och Föreningen Läxhjälpen.",
        "ekonomiska omfattning är 100 000 kronor per år, totalt 300 000 kronor för 2026–2028",
        "Stödsamtal, 2026-01-01 – 2028-12-31",
        "Parter: Norra kommun och Föreningen Samtal.",
        "ekonomiska omfattning är 250 000 kronor 2026, 300 000 kronor 2027 och 350 000 kronor "
        "2028, totalt 900 000 kronor för 2026–2028",
        "belastar Socialnämndens budget för förebyggande arbete med 250 000 kronor 2026, "
        "300 000 kronor 2027 och 350 000 kronor 2028.",
        "Beslutet totalt",
        # 40 000 + 100 000 + 250 000 = 390 000 in 2026, then 440 000 and 490 000; the 90 000 in
        # kind is in no sum.
        "Beslutet omfattar 3 överenskommelser med en sammanlagd finansiering av 390 000 kronor "
        "2026, 440 000 kronor 2027 och 490 000 kronor 2028, totalt 1 320 000 kronor för "
        "2026–2028.",
        "Norra kommuns del är 390 000 kronor 2026, 440 000 kronor 2027 och 490 000 kronor 2028, "
        "totalt 1 320 000 kronor.",
        "Nämnden följer upp partnerskapen varje år.",
    ]
    position = -1
    for phrase in expected:
        found = text.find(phrase, position + 1)
        assert found > position, f"{phrase!r} not found in order in: {text}"
        position = found
    assert "Föreningen Gården med 90 000" not in text
    assert re.search(r"Verksamheten finansieras av Norra kommun med 100 000 kronor per år", text)
