"""A municipality enters and issues a four-party agreement over November–October years, in a
real browser, without /admin/: its administrator and its secretary have no staff rights.

Only the people and the organisations are made here; everything else is typed and clicked."""

import re

import pytest
from playwright.sync_api import expect

from agreements.models import Agreement, PartyKind
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

YEARS = ["2020-11-01 – 2021-10-31", "2021-11-01 – 2022-10-31", "2022-11-01 – 2023-10-31"]
ADDRESS = {"address_line": "Box 1", "postal_code": "111 11", "city": "Mittstad"}


@pytest.fixture
def world(transactional_db):
    town = make_party("Västra kommun", kind=PartyKind.MUNICIPALITY, **ADDRESS)
    make_login("admin.kommun", town, "administrator")
    make_login("sekreterare.kommun", town, "secretary")
    return {
        "town": town,
        "region": make_party("Region Mitt", kind=PartyKind.REGION, **ADDRESS),
        "neighbour": make_party("Östra kommun", kind=PartyKind.MUNICIPALITY, **ADDRESS),
        "nonprofit": make_party("Föreningen Hjälpande Hand", **ADDRESS),
    }


def register(page, world):
    """The agreement and its four parties, the fourth in a row added on the form."""
    menu = page.get_by_role("navigation", name="Huvudmeny")
    menu.get_by_role("link", name="Överenskommelser").click()
    page.get_by_role("link", name="Ny överenskommelse").click()
    field(page, "Titel").fill("Stöd till familjer i Mittbygden")
    field(page, "Diarienummer").fill("VK 2020/77")
    field(page, "Överenskommelsen avser").fill("Stöd till familjer med barn i Mittbygden.")
    field(page, "Gäller från").fill("2020-11-01")
    field(page, "Gäller till och med").fill("2023-10-31")
    field(page, "Uppsägningstid (månader)").fill("6")
    field(page, "Omförhandling och uppsägning").fill(
        "Parterna kan begära omförhandling om förutsättningarna ändras väsentligt."
    )
    parties = [
        (world["town"], "Offentlig part", "Socialförvaltningen", "VK"),
        (world["region"], "Offentlig part", "Hälso- och sjukvården", "RM"),
        (world["neighbour"], "Offentlig part", "Socialtjänsten", "ÖK"),
        (world["nonprofit"], "Idéburen part", "Familjecentralen", "FHH"),
    ]
    for number, (party, role, unit, short) in enumerate(parties, start=1):
        if number == 4:
            # Three rows are offered; the fourth is asked for, keeping what is typed.
            page.get_by_role("button", name="Lägg till rad").click()
            expect(field(row(page, "Part 2"), "Eller organisationsnummer")).to_have_value(
                world["region"].org_number
            )
        party_row = row(page, f"Part {number}")
        if number > 1:
            field(party_row, "Eller organisationsnummer").fill(party.org_number)
        choose(party_row, "Roll", role)
        field(party_row, "Enhet i överenskommelsen").fill(unit)
        field(party_row, "Förkortning").fill(short)
    page.get_by_role("button", name="Skapa och gå vidare till finansiering").click()
    expect(page.get_by_role("heading", level=1, name="Finansiering")).to_be_visible()
    return Agreement.objects.get(case_number="VK 2020/77")


def fill_line(page, number, *, party, kind, purpose="", budget="", amounts=(), total=None):
    line = row(page, f"Finansieringsrad {number}")
    choose(line, "Part", party)
    choose(line, "Form", kind)
    field(line, "Ändamål").fill(purpose)
    field(line, "Belastar budget").fill(budget)
    if total is not None:
        field(line, "Totalt för perioden (kr)").fill(total)
    for year, amount in zip(YEARS, amounts, strict=True):
        field(line, f"{year} (kr)").fill(amount)
    return line


def enter_funding(page):
    """Five lines: two of the municipality's own for different purposes, one with a rule of
    uplift that names no index; the region's total for the period split over the three
    agreement years; the neighbour's cash; the non-profit's work in kind."""
    fill_line(
        page,
        1,
        party="Västra kommun",
        kind="Pengar",
        purpose="Familjestöd",
        budget="Socialnämndens budget för förebyggande arbete",
        amounts=["300000", "300000", "300000"],
    )
    line = fill_line(
        page,
        2,
        party="Västra kommun",
        kind="Pengar",
        purpose="Lokalhyra",
        budget="Kommunstyrelsens budget för lokaler",
        amounts=["120000", "125000", "130000"],
    )
    field(line, "Uppräkning enligt andra regler").fill(
        "Uppräknas enligt de regler som gäller för detta."
    )
    fill_line(
        page,
        3,
        party="Region Mitt",
        kind="Pengar",
        budget="Hälso- och sjukvårdsnämndens budget",
        total="900000",
        amounts=["250000", "300000", "350000"],
    )
    fill_line(
        page,
        4,
        party="Östra kommun",
        kind="Pengar",
        budget="Socialnämndens budget",
        amounts=["100000", "100000", "100000"],
    )
    page.get_by_role("button", name="Spara finansieringen").click()
    saved(page, "Finansieringen är sparad.")
    # A fifth line needs the next empty row.
    page.get_by_role("link", name="Ändra finansiering").click()
    fill_line(
        page,
        5,
        party="Föreningen Hjälpande Hand",
        kind="I annan form (värderat)",
        purpose="Ideellt arbete",
        amounts=["80000", "80000", "80000"],
    )
    page.get_by_role("button", name="Spara finansieringen").click()
    saved(page, "Finansieringen är sparad.")


def enter_plans(page, agreement):
    page.goto(agreement.get_absolute_url())
    page.get_by_role("link", name="Registrera betalning").click()
    plans = [
        ("Familjestöd", "4", "2", "500-1235", "VK-FAM"),
        ("Lokalhyra", "1", "1", "500-1235", "VK-HYRA"),
        ("Region Mitt", "2", "3", "500-4569", "RM-77"),
        ("Östra kommun", "1", "1", "500-7893", ""),
    ]
    for what, often, month, bankgiro, reference in plans:
        item = page.get_by_role("listitem").filter(has_text=what)
        item.get_by_role("link", name="Ange betalningsplan").click()
        heading = page.get_by_role("heading", level=1, name=re.compile("^Betalningsplan"))
        expect(heading).to_be_visible()
        field(page, "Betalningar per år").select_option(often)
        field(page, "Månad för (första) betalningen").select_option(month)
        field(page, "Senast dag i månaden").fill("25")
        field(page, "Bankgiro").fill(bankgiro)
        field(page, "Referens").fill(reference)
        page.get_by_role("button", name="Spara betalningsplanen").click()
        expect(page.get_by_role("heading", level=1, name="Betalningar")).to_be_visible()


def enter_text(page, agreement):
    page.goto(agreement.get_absolute_url())
    page.get_by_role("link", name="Ändra texten").click()
    sections = page.get_by_role("group", name=re.compile(r"^Avsnitt \d+$"))
    for index in range(sections.count()):
        section = sections.nth(index)
        heading = field(section, "Rubrik").input_value()
        if not heading:  # the empty row offered for one more section
            continue
        field(section, "Text").fill(f"{heading}: så som parterna har kommit överens.")
    page.get_by_role("button", name="Spara", exact=True).click()
    saved(page, "Texten är sparad.")


def enter_signatories(page, names):
    page.get_by_role("link", name="Ändra undertecknare").click()
    for number, (name, title) in enumerate(names, start=1):
        signatory = row(page, f"Undertecknare {number}")
        field(signatory, "Namn").fill(name)
        field(signatory, "Titel").fill(title)
    page.get_by_role("button", name="Spara", exact=True).click()
    saved(page, "Undertecknarna är sparade.")


def enter_contributions(page, items):
    page.get_by_role("link", name="Ändra resursbidrag").click()
    for number, text in enumerate(items, start=1):
        field(row(page, f"Resursbidrag {number}"), "Beskrivning").fill(text)
    page.get_by_role("button", name="Spara", exact=True).click()
    saved(page, "Resursbidragen är sparade.")


def add_obligation(page, **values):
    """One more obligation (the page offers one empty row at a time), then save."""
    page.get_by_role("link", name="Ändra åtaganden och mål").click()
    rows = page.get_by_role("group", name=re.compile(r"^Åtagande \d+$"))
    new = rows.nth(rows.count() - 1)
    choose(new, "Typ", values.pop("kind"))
    for name, value in values.items():
        target = field(new, name)
        if target.evaluate("el => el.tagName") == "SELECT":
            target.select_option(label=value)
        else:
            target.fill(value)
    page.get_by_role("button", name="Spara", exact=True).click()
    saved(page, "Åtagandena är sparade.")


def enter_followup(page):
    add_obligation(
        page,
        kind="Skriftlig uppföljning varje tertial",
        **{
            "Ansvarig part": "Föreningen Hjälpande Hand",
            "Mottagare": "Västra kommun",
            "Dagar efter periodens slut": "30",
        },
    )
    add_obligation(
        page,
        kind="Årlig rapport",
        **{
            "Ansvarig part": "Föreningen Hjälpande Hand",
            "Mottagare (beskrivning)": "utsedd kontaktperson i kommunen",
            "Delar": "verksamhetsberättelse\nekonomisk redovisning",
            "Lämnas före (månad)": "3",
            "Lämnas före (dag)": "1",
        },
    )
    add_obligation(
        page,
        kind="Samverkansmöten",
        **{"Ansvarig part": "Västra kommun", "Minst antal per år": "2"},
    )
    add_obligation(
        page,
        kind="Utvärdering",
        **{
            "Ansvarig part": "Region Mitt",
            "Mottagare": "Västra kommun",
            "Förfallodag": "2023-06-30",
            "Beskrivning": "Utvärderingen visar hur familjerna har fått stöd.",
        },
    )
    # The target and what the agreement does not cover, on the same page.
    page.get_by_role("link", name="Ändra åtaganden och mål").click()
    target = row(page, "Mål 1")
    field(target, "Vad").fill("familjer")
    field(target, "Antal per år").fill("60")
    field(row(page, "Undantag 1"), "Omfattar inte").fill("myndighetsutövning")
    page.get_by_role("button", name="Spara", exact=True).click()
    saved(page, "Åtagandena är sparade.")
    page.get_by_role("link", name="Ändra åtaganden och mål").click()
    field(row(page, "Undantag 2"), "Omfattar inte").fill("hälso- och sjukvård")
    page.get_by_role("button", name="Spara", exact=True).click()
    saved(page, "Åtagandena är sparade.")


def propose_and_record(page, agreement):
    """The secretary prepares the municipality's proposal, records the decision and issues
    the proposal."""
    page.goto(agreement.get_absolute_url())
    page.get_by_role("link", name="Förbered beslutsförslag").click()
    form = page.get_by_role("group", name="Förslaget")
    field(form, "Beslutande organ").fill("Socialnämnden")
    field(form, "Ärende").fill("Idéburet offentligt partnerskap med familjestöd")
    field(form, "Förslagets datum").fill("2020-09-15")
    field(form, "Handläggare").fill("Bo Handläggare")
    field(form, "Handläggarens e-post").fill("bo.handlaggare@example.org")
    field(form, "Sammanfattning").fill("Nämnden föreslås ingå partnerskapet.")
    field(form, "Beskrivning av ärendet").fill("Familjestödet har behövts länge.")
    field(form, "Juridisk bedömning").fill("Partnerskapet är förenligt med lag.")
    field(form, "Miljökonsekvenser").fill("Inga.")
    field(form, "Samverkan med berörda fackliga organisationer").fill("Har skett.")
    field(form, "Uppföljning").fill("Nämnden följer upp partnerskapet varje år.")
    field(form, "Ordförande").fill("Anna Ordförande")
    field(form, "Ordförandens titel").fill("Ordförande")
    field(form, "Direktör").fill("Dan Direktör")
    field(form, "Direktörens titel").fill("Socialdirektör")
    field(row(page, "Punkt 1"), "Beslutspunkt").fill("Socialnämnden ingår överenskommelsen.")
    field(row(page, "Dokument 1"), "Nummer").fill("1")
    field(row(page, "Dokument 1"), "Dokument").fill("Överenskommelse om familjestöd")
    page.get_by_role("button", name="Spara förslaget").click()
    saved(page, "Beslutsförslaget är sparat.")
    decision_url = page.url

    page.get_by_role("link", name="Beslutsförslaget (förhandsvisning)").click()
    proposal = issue_and_download(page, "Beslutsförslag")

    page.goto(decision_url)
    page.get_by_role("link", name="Registrera beslutet").click()
    field(page, "Beslutande organ").fill("Socialnämnden")
    field(page, "Beslutsdatum").fill("2020-10-01")
    field(page, "Paragraf").fill("88")
    field(page, "Utfall").select_option(label="Bifall")
    page.get_by_role("button", name="Fortsätt").click()  # a check page before recording
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontrollera beslutet")
    page.get_by_role("button", name="Registrera beslutet").click()
    saved(page, "Beslutet är registrerat.")
    return proposal


def test_municipality_enters_and_issues_a_four_party_agreement(new_page, world):
    admin = watched(new_page())
    log_in(admin, "admin.kommun")
    agreement = register(admin, world)
    enter_funding(admin)
    enter_plans(admin, agreement)
    enter_text(admin, agreement)
    admin.goto(agreement.get_absolute_url())
    enter_signatories(
        admin,
        [
            ("Karin Kommun", "Socialnämndens ordförande"),
            ("Rolf Region", "Hälso- och sjukvårdsdirektör"),
            ("Östen Öst", "Socialchef"),
            ("Frida Förening", "Ordförande"),
        ],
    )
    enter_contributions(
        admin,
        [
            "Kommunen står för samordning av familjecentralens arbete.",
            "Regionen bidrar med barnmorska två dagar i veckan.",
            "Östra kommun tar emot familjer från sin kommun.",
            "Föreningen står för volontärer och verksamhetsledning.",
        ],
    )
    enter_followup(admin)
    admin.get_by_role("button", name="Skicka till beslut").click()
    expect(admin.locator(".page-head .badge")).to_have_text("Föreslagen")
    shot(admin, "municipality-01-agreement")

    secretary = watched(new_page())
    log_in(secretary, "sekreterare.kommun")
    proposal = propose_and_record(secretary, agreement)

    admin.goto(agreement.get_absolute_url())
    admin.get_by_role("link", name=re.compile("Överenskommelsen.*förhandsvisning")).click()
    printed = issue_and_download(admin, "Överenskommelse")
    shot(admin, "municipality-02-versions")

    assert_no_admin(admin, secretary)
    check_agreement_pdf(printed)
    check_proposal_pdf(proposal)


def check_agreement_pdf(text):
    assert "Version 1, utfärdad" in text
    assert "Överenskommelsen avser perioden 2020-11-01 till och med 2023-10-31." in text
    assert "2020-11-01 – 2023-10-31" in text
    # The municipality's two lines, each with its own amounts.
    assert "Familjestöd med 300 000 kr per år." in text
    assert (
        "Lokalhyra med 120 000 kr 2020-11-01 – 2021-10-31, 125 000 kr 2021-11-01 – 2022-10-31 "
        "och 130 000 kr 2022-11-01 – 2023-10-31." in text
    )
    assert "räknas upp enligt de regler som gäller för detta" in text
    # The region's total for the period, split over the three agreement years.
    assert (
        "Resursbidrag med totalt 900 000 kr för perioden 2020-11-01 – 2023-10-31, fördelat med "
        "250 000 kr 2020-11-01 – 2021-10-31, 300 000 kr 2021-11-01 – 2022-10-31 och 350 000 kr "
        "2022-11-01 – 2023-10-31." in text
    )
    assert "Resursbidrag med 100 000 kr per år." in text
    assert "Ideellt arbete med 80 000 kr per år. Insatsen är värderad i pengar." in text
    # How each line is paid.
    assert "bankgiro 500-1235" in text and "bankgiro 500-4569" in text
    assert "Referenskod VK-FAM ska anges." in text
    # The follow-up.
    assert "Samverkan och uppföljning" in text
    assert "VK kallar till samverkansmötena, som hålls minst två gånger per år." in text
    assert (
        "FHH lämnar skriftliga uppföljningar varje tertial till VK, senast 30 dagar efter "
        "tertialets slut." in text
    )
    assert (
        "FHH ska årligen, före den 1 mars, lämna in verksamhetsberättelse och ekonomisk "
        "redovisning till utsedd kontaktperson i kommunen." in text
    )
    assert "RM lämnar en utvärdering till VK senast 2023-06-30." in text
    assert "Verksamhetens mål per år är ca 60 familjer." in text
    assert "Överenskommelsen omfattar inte myndighetsutövning och hälso- och sjukvård." in text
    for name in ("Karin Kommun", "Rolf Region", "Östen Öst", "Frida Förening"):
        assert name in text
    assert "Vid uppsägning gäller sex månaders uppsägningstid." in text


def check_proposal_pdf(text):
    assert "Version 1, utfärdad" in text
    assert "Socialnämnden ingår överenskommelsen." in text
    assert "Den föreslagna överenskommelsen gäller 2020-11-01 – 2023-10-31." in text
    # Cash only, per agreement year: 300 000 + 120 000 + 250 000 + 100 000 = 770 000, then
    # 825 000 and 880 000; 2 475 000 in all. The work in kind is listed apart.
    assert (
        "Överenskommelsens ekonomiska omfattning är 770 000 kronor 2020-11-01 – 2021-10-31, "
        "825 000 kronor 2021-11-01 – 2022-10-31 och 880 000 kronor 2022-11-01 – 2023-10-31, "
        "totalt 2 475 000 kronor för 2020-11-01 – 2023-10-31." in text
    )
    assert (
        "Verksamheten finansieras av Västra kommun med 420 000 kronor 2020-11-01 – 2021-10-31, "
        "425 000 kronor 2021-11-01 – 2022-10-31 och 430 000 kronor 2022-11-01 – 2023-10-31; "
        "Region Mitt med 250 000 kronor 2020-11-01 – 2021-10-31, 300 000 kronor 2021-11-01 – "
        "2022-10-31 och 350 000 kronor 2022-11-01 – 2023-10-31; Östra kommun med 100 000 "
        "kronor per år." in text
    )
    assert (
        "Därutöver bidrar Föreningen Hjälpande Hand med insatser i annan form än pengar "
        "(Ideellt arbete), värderade till 80 000 kronor per år." in text
    )
    assert (
        "Västra kommuns del i finansieringen (Familjestöd) av överenskommelse om idéburet "
        "offentligt partnerskap belastar Socialnämndens budget för förebyggande arbete med "
        "300 000 kronor per år 2020-11-01 – 2023-10-31." in text
    )
    assert (
        "Västra kommuns del i finansieringen (Lokalhyra) av överenskommelse om idéburet "
        "offentligt partnerskap belastar Kommunstyrelsens budget för lokaler med 120 000 kronor "
        "2020-11-01 – 2021-10-31, 125 000 kronor 2021-11-01 – 2022-10-31 och 130 000 kronor "
        "2022-11-01 – 2023-10-31." in text
    )
    assert "Uppföljning Nämnden följer upp partnerskapet varje år." in text
