"""Forms in a real browser keep what the user typed and store what they meant: a file attached
to a report keeps its narrative, giving notice asks first and "Avbryt" changes nothing, and
amounts and percentages written the Swedish way are stored as numbers.

(That a form with errors shows the linked error summary and moves focus to it is in
test_forms_and_phone.py.)"""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from agreements.models import (
    AgreementEvent,
    AgreementStatus,
    Report,
    ReportAttachment,
    ReportStatus,
)
from funding.models import IndexSeries, IndexValue, Share
from tests.factories import make_agreement

from .test_journey import log_in, people  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def agreement(people):  # noqa: F811
    return make_agreement(
        people["region"],
        people["nonprofit"],
        title="Stöd i vardagen",
        start=date(2026, 1, 1),
        end=date(2028, 12, 31),
        notice_months=6,
    )


def test_attaching_a_file_keeps_the_narrative(new_page, people, agreement):  # noqa: F811
    report = Report.objects.create(
        agreement=agreement,
        party=people["nonprofit"],
        year=2026,
        period="T1",
        due_date=date(2026, 5, 30),
    )
    page = new_page()
    log_in(page, "samordnare.forening")
    page.goto(f"/rapporter/{report.pk}/")
    narrative = "Vi har haft tolv föräldragrupper och tagit emot 25 barn."
    page.get_by_label("Redovisning").fill(narrative)
    page.get_by_label("Bifoga fil").set_input_files(
        files=[{"name": "Närvaro.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_text("Utkastet är sparat.")).to_be_visible()
    expect(page.get_by_label("Redovisning")).to_have_value(narrative)
    expect(page.get_by_role("link", name="Närvaro.pdf")).to_be_visible()

    # A file of a refused type is refused; what was typed with it is saved all the same.
    more = narrative + " Nästa tertial startar en grupp till."
    page.get_by_label("Redovisning").fill(more)
    page.get_by_label("Bifoga fil").set_input_files(
        files=[{"name": "skript.html", "mimeType": "text/html", "buffer": b"<script>"}]
    )
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_text("Utkastet är sparat.")).to_be_visible()
    expect(page.locator(".message--error")).to_be_visible()
    expect(page.get_by_label("Redovisning")).to_have_value(more)

    report.refresh_from_db()
    assert (report.text, report.status) == (more, ReportStatus.DRAFT)
    assert list(ReportAttachment.objects.filter(report=report).values_list("original_name")) == [
        ("Närvaro.pdf",)
    ]


def test_giving_notice_asks_first_and_cancelling_changes_nothing(new_page, agreement):
    agreement.status = AgreementStatus.ACTIVE
    agreement.save()
    page = new_page()
    log_in(page, "admin.region")
    page.goto(agreement.get_absolute_url())
    page.get_by_role("link", name="Säg upp", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Säg upp överenskommelsen")
    expect(page.get_by_text("Det går inte att ångra i tjänsten.")).to_be_visible()
    page.get_by_role("link", name="Avbryt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stöd i vardagen")
    agreement.refresh_from_db()
    assert (agreement.status, agreement.terminated_on) == (AgreementStatus.ACTIVE, None)
    assert not AgreementEvent.objects.filter(agreement=agreement, kind="terminate").exists()

    # Confirming on the same page does give notice.
    page.get_by_role("link", name="Säg upp", exact=True).click()
    page.get_by_label("Uppsägningsdag").fill("2027-03-31")
    page.get_by_role("button", name="Säg upp överenskommelsen").click()
    expect(page.get_by_text("Överenskommelsen är uppsagd från 2027-03-31.")).to_be_visible()
    agreement.refresh_from_db()
    assert (agreement.status, agreement.terminated_on) == (
        AgreementStatus.TERMINATED,
        date(2027, 3, 31),
    )


def test_amounts_and_percentages_are_stored_as_numbers(new_page, people, agreement):  # noqa: F811
    page = new_page()
    log_in(page, "admin.region")
    page.goto(f"/finansiering/overenskommelse/{agreement.pk}/rader/")
    page.locator("#id_rader-0-party").select_option(str(people["region"].pk))
    page.locator("#id_rader-0-amount_2026").fill("1 000 000")
    page.get_by_role("button", name="Spara finansieringen").click()
    expect(page.get_by_text("Finansieringen är sparad.")).to_be_visible()
    assert Share.objects.get(line__agreement=agreement, year=2026).amount == 1_000_000

    series = IndexSeries.objects.create(name="Regionens index", owner=people["region"])
    page.goto(f"/finansiering/index/{series.pk}/")
    page.locator("#id_year").fill("2027")
    page.locator("#id_percent").fill("3,1")
    page.locator("#id_status").select_option("final")
    page.locator("#id_published_on").fill("2026-10-15")
    page.locator("#id_source").fill("Egen beräkning")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_text("Indexvärdet är sparat.")).to_be_visible()
    assert IndexValue.objects.get(series=series, year=2027).percent == Decimal("3.1")
