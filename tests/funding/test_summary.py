"""Funding figures per agreement and per organisation; totals equal the sum of their rows."""

import pytest
from django.template.loader import render_to_string

from agreements.models import Agreement, AgreementStatus, Party
from funding.models import IndexValue, ShareKind, ValueStatus
from funding.summary import agreement_funding, group_lines, line_rows, organisation_funding
from tests.factories import make_agreement, make_line, make_party

pytestmark = pytest.mark.django_db


def test_vasterbotten_2026_base_2027_uplifted_2028_forecast(vb):
    funding = agreement_funding(vb)
    assert funding.years == [2026, 2027, 2028]
    assert funding.totals == [1_726_000, 1_777_780, 1_831_113]
    (region,) = [g for g in funding.parties if g.party.name == "Region Västerbotten"]
    cells = region.lines[0].cells
    assert [c.status for c in cells] == ["fixed", "preliminary", "forecast"]
    assert "antar samma förändring" in cells[2].assumption
    assert funding.example_sources == ["Exempelvärde för demo, ej SKR-publicerat"]
    assert [c.year for _lf, c in funding.explained] == [2027, 2028]


def test_partial_shows_amounts_explanation_example_label_and_chart(vb):
    html = render_to_string("funding/_agreement_funding.html", {"funding": agreement_funding(vb)})
    assert "1\u202f726\u202f000\u00a0kr" in html
    assert "1\u202f777\u202f780\u00a0kr" in html
    assert "1\u202f831\u202f113\u00a0kr" in html
    assert "1\u202f831\u202f113,40" in html  # the unrounded product, checkable by hand
    assert "Exempelvärde för demo, ej SKR-publicerat" in html
    assert "Prognos 2028" in html
    assert "<svg" in html and "<script" not in html and "style=" not in html


def test_final_value_difference_is_shown_in_kronor(vb):
    series = vb.funding_lines.get().uplift_series
    IndexValue.objects.create(
        series=series,
        year=2027,
        percent="2.600",
        status=ValueStatus.FINAL,
        published_on="2028-04-20",
        source="Exempelvärde för test",
    )
    funding = agreement_funding(vb)
    assert funding.totals[1] == 1_777_780  # the rule's preliminary value still counts
    (_lf, cell), *_ = funding.differences
    assert cell.difference == -6_904
    html = render_to_string("funding/_agreement_funding.html", {"funding": funding})
    assert "6\u202f904\u00a0kr" in html


def test_totals_equal_sum_of_rows_with_cash_and_in_kind(db):
    region, org = make_party(kind="region"), make_party()
    agreement = make_agreement(region, org, status=AgreementStatus.ACTIVE)
    make_line(agreement, region, {2026: 400_000, 2027: 410_000, 2028: 420_000}, purpose="A")
    make_line(agreement, region, {2026: 50_000}, purpose="B")
    make_line(agreement, org, {2026: 270_000, 2027: 270_000}, kind=ShareKind.IN_KIND)
    funding = agreement_funding(agreement)
    rows = [lf for g in funding.parties for lf in g.lines]
    for i in range(len(funding.years)):
        assert funding.totals[i] == sum(lf.cells[i].amount for lf in rows if lf.cells[i])
        assert funding.totals[i] == funding.cash_totals[i] + funding.in_kind_totals[i]
    assert funding.totals == [720_000, 680_000, 420_000]
    assert funding.in_kind_totals == [270_000, 270_000, 0]
    assert funding.total == sum(lf.total for lf in rows)


def test_agreement_funding_query_count_is_constant(db, django_assert_max_num_queries):
    region, org = make_party(kind="region"), make_party()
    agreement = make_agreement(region, org)
    for n in range(20):
        make_line(agreement, region, {2026: 1000 + n, 2027: 1000}, purpose=f"Rad {n}")
    with django_assert_max_num_queries(6):
        agreement_funding(agreement)


def test_organisation_pays_by_budget_and_receives(skane, vb):
    region_skane = Party.objects.get(name="Region Skåne")
    srk = Party.objects.get(name="Svenska Röda Korset")
    from agreements.models import Agreement

    pays = organisation_funding(region_skane, Agreement.objects.filter(parties__party=region_skane))
    assert [g.label for g in pays.pays] == [
        "hälso- och sjukvårdsnämndens budget för övrig hälso- och sjukvård"
    ]
    assert pays.pays_totals == [400_000] * 4
    gets = organisation_funding(srk, Agreement.objects.filter(parties__party=srk))
    # SRK pays its own 270 000 a year in Skåne and receives Skåne's, Malmö's and Västerbotten's.
    assert gets.pays_total == 4 * 270_000
    by_year = dict(zip(gets.years, gets.receives_totals, strict=True))
    assert by_year[2021] == 800_000
    assert by_year[2026] == 1_726_000
    assert by_year[2028] == 1_831_113
    assert gets.receives_total == sum(g.total for g in gets.receives)
    assert 2028 in gets.forecast_years


def test_organisation_receives_the_lines_it_is_the_receiver_of(db):
    region, org, other = make_party(kind="region"), make_party(), make_party()
    alone = make_agreement(region, org)
    shared = make_agreement(region, org, other)
    make_line(alone, region, {2026: 100_000}, receiver=org)
    make_line(shared, region, {2026: 50_000}, receiver=other)
    make_line(alone, region, {2026: 7_000}, kind=ShareKind.IN_KIND)
    gets = organisation_funding(org, Agreement.objects.filter(parties__party=org))
    assert gets.receives_totals == [100_000]
    assert [(g.label, g.count) for g in gets.receives] == [(region.name, 1)]
    lines = group_lines(org, Agreement.objects.filter(parties__party=org), "receives", region.pk)
    assert [a.pk for a, *_ in line_rows(list(lines), gets.years)] == [alone.pk]
    assert gets.pays == [] and gets.pays_total == 0


def test_two_payers_of_the_same_name_are_two_groups(db):
    org = make_party()
    first = make_party("Stadsmissionen", kind="municipality")
    second = make_party("Stadsmissionen", kind="municipality")
    make_line(make_agreement(first, org), first, {2026: 100_000}, receiver=org)
    make_line(make_agreement(second, org), second, {2026: 40_000}, receiver=org)
    gets = organisation_funding(org, Agreement.objects.filter(parties__party=org))
    assert [(g.key, g.label, g.total) for g in gets.receives] == [
        (first.pk, "Stadsmissionen", 100_000),
        (second.pk, "Stadsmissionen", 40_000),
    ]


@pytest.mark.parametrize("count", [1, 20])
def test_organisation_funding_query_count_is_constant(db, django_assert_max_num_queries, count):
    region, org = make_party(kind="region"), make_party()
    for n in range(count):
        agreement = make_agreement(region, org)
        make_line(agreement, region, {2026: 1000 + n, 2027: 1000}, budget="Budget")
    # Per side: the groups' counts and the sums; then the lines with uplift of either side
    # (none here: one query; with some, their shares and index values too).
    with django_assert_max_num_queries(5):
        pays = organisation_funding(region, Agreement.objects.filter(parties__party=region))
    assert pays.pays_totals == [sum(1000 + n for n in range(count)), 1000 * count]


def test_read_lines_gives_each_value_of_a_line_its_amounts_and_what_was_paid(
    vb, django_assert_max_num_queries
):
    from datetime import date

    from funding.figures import read_lines
    from funding.models import FundingLine, Payment, PaymentPlan
    from funding.payments import Plan

    line = vb.funding_lines.get()
    plan = PaymentPlan.objects.get(line=line)
    Payment.objects.create(line=line, year=2026, paid_on=date(2026, 1, 10), amount=100)
    Payment.objects.create(line=line, year=2026, paid_on=date(2026, 7, 10), amount=50)
    with django_assert_max_num_queries(4):
        (read,) = read_lines(FundingLine.objects.filter(pk=line.pk), paid=True)
    assert (read.pk, read.agreement_id, read.agreement_title) == (line.pk, vb.pk, vb.title)
    assert (read.party_id, read.party, read.kind) == (line.party_id, line.party.name, line.kind)
    assert (read.purpose, read.budget) == (line.purpose, line.budget)
    assert read.plan == Plan(
        plan.installments_per_year, plan.first_month, plan.due_day, plan.bankgiro, plan.reference
    )
    assert (read.receiver_id, read.receiver) == (line.receiver_id, line.receiver.name)
    assert {y: a.amount for y, a in read.amounts.items()} == agreement_funding(vb).totals_by_year()
    assert read.paid == {2026: 150}
    (until_2026,) = read_lines(FundingLine.objects.filter(pk=line.pk), until_year=2026)
    assert list(until_2026.amounts) == [2026] and until_2026.paid == {}


def _figures_of_each_line(party):
    """{side: {label: Counter(year: kronor)}} summed line by line from figures.read_lines."""
    from collections import Counter, defaultdict

    from django.utils.translation import gettext as _

    from funding.figures import read_lines
    from funding.models import FundingLine

    sides = {"pays": defaultdict(Counter), "receives": defaultdict(Counter)}
    agreements = Agreement.objects.filter(parties__party=party)
    for line in read_lines(FundingLine.objects.filter(agreement__in=agreements)):
        for year, figure in line.amounts.items():
            if line.party_id == party.pk:
                sides["pays"][line.budget or _("Ingen budget angiven")][year] += figure.amount
            if line.receiver_id == party.pk:
                sides["receives"][line.party][year] += figure.amount
    return sides


def test_database_totals_equal_the_figures_of_each_line(vb, skane):
    from collections import Counter

    from agreements.models import AgreementParty
    from funding.models import FundingLine

    region = Party.objects.get(name="Region Västerbotten")
    make_line(vb, region, {2026: 5_000, 2027: 6_000}, purpose="Utan uppräkning")
    make_line(vb, region, {2027: 700}, kind=ShareKind.IN_KIND, budget="Annan budget")
    assert FundingLine.objects.filter(uplift_series__isnull=False).exists()
    assert FundingLine.objects.filter(uplift_series__isnull=True).exists()
    for party in Party.objects.filter(pk__in=AgreementParty.objects.values("party_id")):
        overview = organisation_funding(party, Agreement.objects.filter(parties__party=party))
        found = {
            side: {
                g.label: Counter(dict(zip(overview.years, g.totals, strict=True)))
                for g in getattr(overview, side)
            }
            for side in ("pays", "receives")
        }
        assert found == _figures_of_each_line(party), party.name
