"""An agreement's way through the app, in a real browser, as its three kinds of users see it."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from agreements.models import (
    Agreement,
    AgreementStatus,
    Decision,
    DecisionOutcome,
    Membership,
    PartyKind,
    Report,
    ReportStatus,
)
from funding.models import Share
from tests.factories import make_party

from .conftest import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "e2e-lösenord-123"


def make_login(username, party, role):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=username.split(".")[0].title()
    )
    Membership.objects.create(user=user, party=party, role=role)
    return user


@pytest.fixture
def people(transactional_db):
    region = make_party("Region Nord", kind=PartyKind.REGION)
    city = make_party("Staden Syd", kind=PartyKind.MUNICIPALITY)
    nonprofit = make_party("Föreningen Stöd")
    make_login("admin.region", region, "administrator")
    make_login("sekreterare.region", region, "secretary")
    make_login("sekreterare.staden", city, "secretary")
    make_login("samordnare.forening", nonprofit, "coordinator")
    return {"region": region, "city": city, "nonprofit": nonprofit}


def log_in(page, username):
    page.goto("/konto/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1, name="Att göra")).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", level=1, name="Logga in")).to_be_visible()


WAITING = ("Väntar på motpartens beslut", "Rapporter")


def dashboard_text(page, *, waiting=WAITING):
    """The dashboard's text, and that of each named group under "Väntar på andra" (counted
    on the dashboard, each count a link to the group's rows)."""
    page.get_by_role("link", name="Att göra").click()
    text = page.locator("main").inner_text()
    for title in waiting:
        link = page.locator("#vantar-pa-andra ~ ul").get_by_role("link", name=re.compile(title))
        if link.count():
            link.click()
            text += page.locator("main").inner_text()
            page.go_back()
    return text


def prepare_and_record(page, agreement, *, body, paragraph, condition=None):
    """A secretary prepares the organisation's proposal and records its approval."""
    page.goto(agreement.get_absolute_url())
    page.get_by_role("link", name="Förbered beslutsförslag").click()
    page.locator("#id_body").fill(body)
    page.locator("#id_proposal_date").fill("2026-02-05")
    page.locator("#id_case_officer_name").fill("Bim Handläggare")
    page.locator("#id_punkter-0-text").fill("Nämnden ingår överenskommelsen.")
    page.locator("#id_dokument-0-number").fill("1")
    page.locator("#id_dokument-0-title").fill("Beslutsförslag")
    if condition is not None:
        page.locator("#id_villkor-0-party").select_option(str(condition.pk))
        page.locator("#id_villkor-0-body").fill("Socialnämnden")
    page.get_by_role("button", name="Spara förslaget").click()
    expect(page.get_by_text("Beslutsförslaget är sparat.")).to_be_visible()
    return page.url


def record(page, *, body, paragraph):
    page.get_by_role("link", name="Registrera beslutet").click()
    page.get_by_label("Beslutande organ").fill(body)
    page.get_by_label("Beslutsdatum").fill("2026-03-01")
    page.get_by_label("Paragraf").fill(paragraph)
    page.get_by_label("Utfall").select_option("approved")
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontrollera beslutet")
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_text("Beslutet är registrerat.")).to_be_visible()


def test_agreement_from_registration_to_first_report(new_page, people):
    today = timezone.localdate()
    first, last = today.year - 1, today.year + 1
    region, city, nonprofit = people["region"], people["city"], people["nonprofit"]

    # 1. The administrator registers a three-party agreement with shares.
    admin = new_page()
    log_in(admin, "admin.region")
    admin.get_by_role("link", name="Överenskommelser").click()
    admin.get_by_role("link", name="Ny överenskommelse").click()
    admin.get_by_label("Titel").fill("Stöd till barn och föräldrar")
    admin.get_by_label("Diarienummer").fill("RN 2025/100")
    admin.get_by_label("Gäller från").fill(f"{first}-01-01")
    admin.get_by_label("Gäller till och med").fill(f"{last}-12-31")
    admin.get_by_label("Uppsägningstid (månader)").fill("9")
    # The first row offers the administrator's own organisation.
    expect(admin.locator("#id_parter-0-party")).to_have_value(str(region.pk))
    admin.locator("#id_parter-0-role").select_option("public")
    # Organisations the region shares no agreement with yet are not listed: they are found by
    # their exact organisationsnummer.
    expect(admin.locator("#id_parter-1-party")).not_to_contain_text(city.name)
    admin.locator("#id_parter-1-org_number").fill(city.org_number)
    admin.locator("#id_parter-1-role").select_option("public")
    admin.locator("#id_parter-2-org_number").fill(nonprofit.org_number)
    admin.locator("#id_parter-2-role").select_option("nonprofit")
    admin.get_by_role("button", name="Skapa och gå vidare till finansiering").click()
    expect(admin.get_by_role("heading", name="Finansiering")).to_be_visible()

    for row, (party, amount) in enumerate(
        [(region, "400000"), (city, "400000"), (nonprofit, "270000")]
    ):
        admin.locator(f"#id_rader-{row}-party").select_option(str(party.pk))
        for year in range(first, last + 1):
            admin.locator(f"#id_rader-{row}-amount_{year}").fill(amount)
    # A negative amount is refused beside its field, and the rest of the input stays.
    admin.locator(f"#id_rader-2-amount_{last}").fill("-1")
    admin.get_by_role("button", name="Spara finansieringen").click()
    expect(admin.locator(".field-error")).to_contain_text("Beloppet kan inte vara negativt.")
    expect(admin.locator(f"#id_rader-0-amount_{first}")).to_have_value("400000")
    admin.locator(f"#id_rader-2-amount_{last}").fill("270000")
    admin.get_by_role("button", name="Spara finansieringen").click()
    expect(admin.get_by_text("Finansieringen är sparad.")).to_be_visible()
    agreement = Agreement.objects.get(case_number="RN 2025/100")
    assert Share.objects.filter(line__agreement=agreement).count() == 9

    # The nonprofit reports every tertial.
    admin.get_by_role("link", name="Ändra åtaganden och mål").click()
    admin.locator("#id_ataganden-0-kind").select_option("tertial_report")
    admin.locator("#id_ataganden-0-responsible").select_option(str(nonprofit.pk))
    admin.locator("#id_mal-0-description").fill("barn")
    admin.locator("#id_mal-0-quantity").fill("70")
    admin.get_by_role("button", name="Spara").click()
    expect(admin.get_by_text("Åtagandena är sparade.")).to_be_visible()
    admin.get_by_role("button", name="Skicka till beslut").click()
    expect(admin.locator(".page-head .badge")).to_have_text("Föreslagen")
    shot(admin, "01-agreement-detail")

    # 2. The region's secretary prepares the proposal, prints it and records the decision.
    secretary = new_page()
    log_in(secretary, "sekreterare.region")
    prepare_and_record(
        secretary, agreement, body="Hälso- och sjukvårdsnämnden", paragraph="15", condition=city
    )
    pdf_link = secretary.get_by_role("link", name="Beslutsförslaget (PDF)")
    if pdf_link.count():
        response = secretary.context.request.get(pdf_link.get_attribute("href"))
        assert response.ok and response.body().startswith(b"%PDF")
    else:  # the documents part of the app not there: the preview link at least
        assert secretary.get_by_role("link", name=re.compile("Beslutsförslaget")).count()
    shot(secretary, "02-proposal")

    text = dashboard_text(admin)
    assert "Beslutsförslag som väntar på beslut" in text
    assert "Väntar på beslut av Staden Syd" in text

    record(secretary, body="Hälso- och sjukvårdsnämnden", paragraph="15")
    expect(secretary.locator(".page-head .badge")).to_have_text("Bifall")
    decision = Decision.objects.get(organisation=region)
    assert (decision.outcome, decision.paragraph) == (DecisionOutcome.APPROVED, "15")

    text = dashboard_text(admin)
    assert "Beslutsförslag som väntar på beslut" not in text
    assert "Väntar på beslut av Staden Syd" in text
    shot(admin, "03-dashboard-waiting")

    # The city decides too: the agreement is decided and its reports start to run.
    city_secretary = new_page()
    log_in(city_secretary, "sekreterare.staden")
    prepare_and_record(city_secretary, agreement, body="Socialnämnden", paragraph="3")
    record(city_secretary, body="Socialnämnden", paragraph="3")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DECIDED

    text = dashboard_text(admin)
    assert "Väntar på beslut av Staden Syd" not in text
    assert f"Tertialrapport T1 {first}" in text
    assert "Försenad" in text
    shot(admin, "04-dashboard-reports")

    # 3. The coordinator files the first tertial report.
    coordinator = new_page()
    log_in(coordinator, "samordnare.forening")
    # The decision created the expected report rows; the dashboard row opens the report.
    coordinator.get_by_role("link", name=f"Tertialrapport T1 {first}").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(f"Rapport {first} T1")
    coordinator.get_by_label("Redovisning").fill("Vi har tagit emot 25 barn och 12 föräldrar.")
    coordinator.get_by_label(re.compile("^Barn")).fill("25")
    coordinator.get_by_role("button", name="Spara utkast").click()
    expect(coordinator.get_by_text("Utkastet är sparat.")).to_be_visible()
    coordinator.get_by_role("button", name="Granska och lämna in").click()
    # The check page: the period, the due date, what is asked for; handing in is its button.
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Kontrollera och lämna in")
    coordinator.get_by_role("button", name="Lämna in", exact=True).click()
    expect(coordinator.get_by_text(re.compile("är inlämnad till"))).to_be_visible()
    expect(coordinator.locator(".page-head .badge")).to_have_text("Inlämnad")
    expect(coordinator.get_by_role("button", name="Lämna in")).to_have_count(0)
    shot(coordinator, "05-report-submitted")
    report = Report.objects.get(agreement=agreement, year=first, period="T1")
    assert report.status == ReportStatus.SUBMITTED
    assert report.figures.get().value == 25

    text = dashboard_text(admin)
    assert f"Tertialrapport T1 {first}" not in text
    assert f"Tertialrapport T2 {first}" in text
    log_out(admin)


def test_phone_sized_viewport(new_page, people):
    page = new_page(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    log_in(page, "admin.region")
    page.get_by_role("link", name="Överenskommelser").click()
    expect(page.get_by_role("link", name="Ny överenskommelse")).to_be_visible()
    page.get_by_role("link", name="Ny överenskommelse").click()
    # Measure only once the new page and its stylesheet have loaded: a layout forced while
    # the stylesheet is still on its way gives the browser's unstyled default widths.
    expect(page.get_by_label("Titel")).to_be_visible()
    page.wait_for_load_state("load")
    # Nothing sticks out sideways: no horizontal scrolling on a phone.
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    # Every field has a label a screen reader announces.
    fields = "main input:not([type=hidden]), main select, main textarea"
    unlabelled = page.evaluate(
        f"[...document.querySelectorAll('{fields}')]"
        ".filter(el => el.labels.length === 0).map(el => el.name)"
    )
    assert unlabelled == []
    box = page.get_by_label("Titel").bounding_box()
    assert box["width"] > 250 and box["x"] >= 0
    button = page.get_by_role("button", name="Logga ut").bounding_box()
    assert button["height"] >= 36  # a finger-sized target
    shot(page, "06-phone-form")


def focused(page, what="id"):
    return page.evaluate(f"document.activeElement.{what}")


def test_login_with_the_keyboard_only(new_page, people):
    page = new_page()
    page.goto("/konto/login/")
    # The user name field has focus on arrival, with a visible focus ring.
    expect(page.locator("#id_username")).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.type("admin.region")
    page.keyboard.press("Tab")
    assert focused(page) == "id_password"
    page.keyboard.type("fel lösenord")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_be_visible()
    # After an error the user name is kept and has focus again; the same order holds.
    expect(page.locator("#id_username")).to_have_value("admin.region")
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert focused(page, "textContent.trim()") == "Logga in"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Att göra")).to_be_visible()
    # First stop on every page: the skip link, which jumps past the menu.
    page.goto("/overenskommelser/")
    page.keyboard.press("Tab")
    assert focused(page, "textContent.trim()") == "Hoppa till innehållet"
    assert page.locator(".skip-link").bounding_box()["x"] >= 0  # visible when focused
    page.keyboard.press("Enter")
    assert focused(page) == "main"
    page.keyboard.press("Tab")
    assert focused(page, "textContent.trim()") == "Ny överenskommelse"
    page.keyboard.press("Tab")
    assert focused(page) == "id_q"
