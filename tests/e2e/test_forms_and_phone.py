"""Form errors and money pages in a real browser: focus moves to the error summary and from
it to the field; on a phone, funding tables keep their year headings and charts stay readable."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from funding.models import PaymentPlan
from tests.factories import make_agreement, make_line

from .test_journey import log_in, people  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def funded(people):  # noqa: F811
    agreement = make_agreement(
        people["region"],
        people["nonprofit"],
        title="Stöd i vardagen",
        start=date(2026, 1, 1),
        end=date(2030, 12, 31),
    )
    amounts = dict.fromkeys(range(2026, 2031), 1_726_000)
    line = make_line(agreement, people["region"], amounts, receiver=people["nonprofit"])
    PaymentPlan.objects.create(line=line, bankgiro="5050-1055")
    return agreement


def test_focus_moves_to_the_error_summary_and_from_it_to_the_field(new_page, funded):
    page = new_page()
    log_in(page, "admin.region")
    page.goto(f"/finansiering/overenskommelse/{funded.pk}/betalningar/")
    page.get_by_label("Belopp (kr)").fill("3,1")
    page.get_by_role("button", name="Registrera", exact=True).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Fel: Betalningar"))
    summary.get_by_role("link", name="Ange beloppet i hela kronor, t.ex. 1 726 000.").click()
    expect(page.get_by_label("Belopp (kr)")).to_be_focused()


def test_on_a_phone_amounts_stay_under_their_years_and_the_chart_is_readable(new_page, funded):
    page = new_page(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    log_in(page, "admin.region")
    page.goto(f"/overenskommelser/{funded.pk}/")
    page.wait_for_load_state("load")
    # The page itself does not scroll sideways; the funding table scrolls in its frame.
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    table = page.locator("table.table--funding").first
    for year in range(2026, 2031):
        heading = table.get_by_role("columnheader", name=str(year), exact=True)
        expect(heading).to_be_visible()
    first_amount = table.locator("tbody td.num").first.bounding_box()
    year_heading = table.get_by_role("columnheader", name="2026", exact=True).bounding_box()
    assert abs(first_amount["x"] - year_heading["x"]) < 2  # the amount is in its year's column
    chart = page.locator("svg.chart__svg").first
    expect(chart).to_be_attached()
    assert chart.bounding_box()["width"] >= 34 * 16 - 1  # its 11-pixel labels stay 11 pixels
