"""A proposal for an agreement whose years run November to October names those years."""

from datetime import date

import pytest

from agreements.documents import proposal_document, render_document_html, render_pdf
from agreements.models import Decision
from tests.factories import make_agreement, make_line, make_party

from .helpers import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision():
    town = make_party("Västra kommun", kind="municipality")
    region = make_party("Region Mitt", kind="region")
    agreement = make_agreement(
        town, region, make_party("Föreningen"), start=date(2020, 11, 1), end=date(2023, 10, 31)
    )
    budget = "socialnämndens budget"
    make_line(agreement, town, {2020: 300_000, 2021: 300_000, 2022: 300_000}, budget=budget)
    make_line(agreement, region, {2020: 250_000, 2021: 300_000, 2022: 350_000})
    decision = Decision.objects.create(organisation=town, body="Socialnämnden")
    decision.agreements.set([agreement])
    return decision


def test_shares_of_the_agreement_years_leave_no_year_missing(decision):
    """Three agreement years from 2020-11-01 touch four calendar years; 2023 has no share of
    its own and is no gap."""
    document = proposal_document(decision)
    assert not [w for w in document["warnings"] if "Belopp saknas" in w]


def test_amounts_are_named_by_agreement_year_and_period(decision):
    text = pdf_text(render_pdf(render_document_html(proposal_document(decision))))
    assert (
        "Överenskommelsens ekonomiska omfattning är 550 000 kronor 2020-11-01 – 2021-10-31, "
        "600 000 kronor 2021-11-01 – 2022-10-31 och 650 000 kronor 2022-11-01 – 2023-10-31, "
        "totalt 1 800 000 kronor för 2020-11-01 – 2023-10-31." in text
    ), text
    assert (
        "belastar socialnämndens budget med 300 000 kronor per år 2020-11-01 – 2023-10-31." in text
    )
    assert "2020–2022" not in text


def test_a_decision_over_two_such_agreements_sums_by_agreement_year(decision):
    town = decision.organisation
    second = make_agreement(
        town, make_party("Föreningen Två"), start=date(2020, 11, 1), end=date(2023, 10, 31)
    )
    make_line(second, town, {2020: 50_000, 2021: 50_000, 2022: 50_000}, budget="lokaler")
    decision.agreements.add(second)
    text = pdf_text(render_pdf(render_document_html(proposal_document(decision))))
    assert (
        "Beslutet omfattar 2 överenskommelser med en sammanlagd finansiering av 600 000 kronor "
        "2020-11-01 – 2021-10-31, 650 000 kronor 2021-11-01 – 2022-10-31 och 700 000 kronor "
        "2022-11-01 – 2023-10-31, totalt 1 950 000 kronor för 2020-11-01 – 2023-10-31." in text
    ), text
    assert "Västra kommuns del är 350 000 kronor per år, totalt 1 050 000 kronor." in text


def test_agreements_counting_a_year_differently_sum_by_bare_year(decision):
    """2021 is 2021-11-01 – 2022-10-31 in one agreement and the calendar year in the other:
    no one label is true of their sum."""
    town = decision.organisation
    calendar = make_agreement(
        town, make_party("Föreningen Kalender"), start=date(2021, 1, 1), end=date(2022, 12, 31)
    )
    make_line(calendar, town, {2021: 10_000, 2022: 10_000}, budget="lokaler")
    decision.agreements.add(calendar)
    text = pdf_text(render_pdf(render_document_html(proposal_document(decision))))
    assert (
        "sammanlagd finansiering av 550 000 kronor 2020, 610 000 kronor 2021 och 660 000 kronor "
        "2022, totalt 1 820 000 kronor för 2020–2022." in text
    ), text
