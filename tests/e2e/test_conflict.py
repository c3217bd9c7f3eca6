"""Two people with the same form open in two browsers: the second save shows the first's change
instead of overwriting it, and a deliberate second save keeps both."""

import pytest
from playwright.sync_api import expect

from agreements.models import Agreement, CapacityTarget, PartyKind, Report, ReportStatus
from funding.models import Share
from tests.factories import make_agreement, make_party

from .conftest import shot
from .test_journey import log_in, make_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(transactional_db):
    region = make_party("Region Nord", kind=PartyKind.REGION)
    nonprofit = make_party("Föreningen Stöd")
    make_login("anna.admin", region, "administrator")
    bertil = make_login("bertil.admin", region, "administrator")
    bertil.first_name, bertil.last_name = "Bertil", "Berg"
    bertil.save()
    make_login("cecilia.samordnare", nonprofit, "coordinator")
    make_login("david.samordnare", nonprofit, "coordinator")
    agreement = make_agreement(region, nonprofit, title="Stöd till barn", notice_months=6)
    return {"agreement": agreement, "region": region, "nonprofit": nonprofit}


def test_two_administrators_edit_the_same_agreement(new_page, setting):
    agreement = setting["agreement"]
    anna, bertil = new_page(), new_page()
    log_in(anna, "anna.admin")
    log_in(bertil, "bertil.admin")
    for page in (anna, bertil):
        page.goto(agreement.get_absolute_url())
        page.get_by_role("link", name="Ändra uppgifter och parter").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Ändra överenskommelse")

    # Bertil saves first, a new title.
    bertil.get_by_label("Titel").fill("Stöd till barn och unga")
    bertil.get_by_role("button", name="Spara").click()
    expect(bertil.get_by_text("Ändringarna är sparade.")).to_be_visible()

    # Anna, with the page loaded before, changes the notice time and saves.
    anna.get_by_label("Uppsägningstid (månader)").fill("9")
    anna.get_by_role("button", name="Spara").click()
    conflict = anna.locator(".conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Någon annan har sparat under tiden")
    expect(conflict).to_contain_text("Bertil Berg sparade ändringar")
    expect(conflict).to_contain_text("Stöd till barn och unga")
    # Her own input stays; Bertil's title is in her form, as she did not touch it.
    expect(anna.get_by_label("Uppsägningstid (månader)")).to_have_value("9")
    expect(anna.get_by_label("Titel")).to_have_value("Stöd till barn och unga")
    shot(anna, "conflict-agreement")
    agreement.refresh_from_db()
    assert (agreement.title, agreement.notice_months) == ("Stöd till barn och unga", 6)

    # Saving again on purpose keeps both changes.
    anna.get_by_role("button", name="Spara").click()
    expect(anna.get_by_text("Ändringarna är sparade.")).to_be_visible()
    agreement.refresh_from_db()
    assert (agreement.title, agreement.notice_months) == ("Stöd till barn och unga", 9)
    assert agreement.version == 3


def test_two_administrators_edit_the_same_shares(new_page, setting):
    agreement = setting["agreement"]
    anna, bertil = new_page(), new_page()
    log_in(anna, "anna.admin")
    log_in(bertil, "bertil.admin")
    first = agreement.period_start.year
    for page in (anna, bertil):
        page.goto(f"/finansiering/overenskommelse/{agreement.pk}/rader/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Finansiering")

    bertil.locator("#id_rader-0-party").select_option(str(setting["region"].pk))
    bertil.locator(f"#id_rader-0-amount_{first}").fill("400000")
    bertil.get_by_role("button", name="Spara finansieringen").click()
    expect(bertil.get_by_text("Finansieringen är sparad.")).to_be_visible()

    anna.locator("#id_rader-0-party").select_option(str(setting["nonprofit"].pk))
    anna.locator(f"#id_rader-0-amount_{first}").fill("100000")
    anna.get_by_role("button", name="Spara finansieringen").click()
    conflict = anna.locator(".conflict")
    expect(conflict).to_contain_text("Bertil Berg sparade ändringar")
    expect(conflict).to_contain_text("Region Nord")
    expect(anna.locator(f"#id_rader-0-amount_{first}")).to_have_value("100000")
    assert list(
        Share.objects.filter(line__agreement=agreement).values_list("amount", flat=True)
    ) == [400_000]
    assert Agreement.objects.get(pk=agreement.pk).funding_version == 2


def test_two_coordinators_edit_the_same_report(new_page, setting):
    agreement = setting["agreement"]
    CapacityTarget.objects.create(agreement=agreement, description="barn", quantity=70)
    report = Report.objects.create(
        agreement=agreement,
        party=setting["nonprofit"],
        year=agreement.period_start.year,
        period="T1",
        due_date=agreement.period_start.replace(month=5, day=30),
    )
    cecilia, david = new_page(), new_page()
    log_in(cecilia, "cecilia.samordnare")
    log_in(david, "david.samordnare")
    for page in (cecilia, david):
        page.goto(f"/rapporter/{report.pk}/")
        expect(page.get_by_label("Redovisning")).to_be_visible()

    cecilia.get_by_label("Redovisning").fill("Vi har tagit emot 25 barn.")
    cecilia.get_by_role("button", name="Spara utkast").click()
    expect(cecilia.get_by_text("Utkastet är sparat.")).to_be_visible()

    david.get_by_label("Redovisning").fill("Vi har haft 12 föräldragrupper.")
    david.get_by_role("button", name="Lämna in").click()
    conflict = david.locator(".conflict")
    expect(conflict).to_contain_text("Vi har tagit emot 25 barn.")
    expect(david.get_by_label("Redovisning")).to_have_value("Vi har haft 12 föräldragrupper.")
    shot(david, "conflict-report")
    report.refresh_from_db()
    assert (report.text, report.status) == ("Vi har tagit emot 25 barn.", ReportStatus.DRAFT)
