"""Index uplift arithmetic against hand-computed figures (pure, no database)."""

from datetime import date
from decimal import Decimal

import pytest

from funding.money import round_kronor, split_evenly
from funding.uplift import (
    FINAL,
    FIXED,
    FORECAST,
    PRELIMINARY,
    IndexPoint,
    UpliftRule,
    uplift_years,
    uplifted,
)

EXAMPLE = "Exempelvärde för demo, ej SKR-publicerat"


def pt(year, percent, status=FINAL, published=None, source="SKR"):
    return IndexPoint(year, Decimal(percent), status, published, source)


def test_round_kronor_is_half_up_not_bankers():
    assert round_kronor(Decimal("102.5")) == 103
    assert round_kronor(Decimal("101.5")) == 102
    assert round_kronor(Decimal("1831113.40")) == 1831113
    assert round_kronor(Decimal("-2.5")) == -3
    with pytest.raises(TypeError):
        round_kronor(2.5)


def test_round_kronor_takes_amounts_of_any_size():
    # Past the 28 digits of Decimal's default context, which refused to round them.
    assert round_kronor(Decimal(f"{10**40}.5")) == 10**40 + 1
    assert round_kronor(Decimal(f"-{10**40}.4")) == -(10**40)


def test_split_evenly_sums_exactly():
    assert split_evenly(1_000_001, 4) == [250_000, 250_000, 250_000, 250_001]
    assert sum(split_evenly(1_831_113, 12)) == 1_831_113


def test_compounding_over_three_years_rounds_once_per_year():
    # By hand: 1 000 000 × 1.025 = 1 025 000; × 1.031 = 1 056 775;
    # × 1.017 = 1 074 740.175 -> 1 074 740.
    rule = UpliftRule(2027, FINAL)
    points = [pt(2027, "2.5"), pt(2028, "3.1"), pt(2029, "1.7")]
    years = uplift_years({y: 1_000_000 for y in (2026, 2027, 2028, 2029)}, rule, points)
    assert [y.amount for y in years] == [1_000_000, 1_025_000, 1_056_775, 1_074_740]
    assert [y.status for y in years] == [FIXED, FINAL, FINAL, FINAL]
    last = years[-1]
    assert [s.after for s in last.steps] == [1_025_000, 1_056_775, 1_074_740]
    assert last.steps[-1].exact == Decimal("1074740.175")
    assert last.factors_text == "1,02500 × 1,03100 × 1,01700"


def test_rounding_each_year_differs_from_rounding_once():
    # 100 × 1.025 = 102.5 -> 103; 103 × 1.025 = 105.575 -> 106 (rounding once would give 105).
    rule = UpliftRule(2027, FINAL)
    points = [pt(2027, "2.5"), pt(2028, "2.5")]
    assert uplifted(100, 2027, rule, points).amount == 103
    assert uplifted(100, 2028, rule, points).amount == 106


def test_vasterbotten_example_value_and_forecast_for_2028():
    # 1 726 000 × 1.03 = 1 777 780; × 1.03 = 1 831 113.40 -> 1 831 113 (forecast).
    rule = UpliftRule(2027, PRELIMINARY, 10)
    points = [pt(2027, "3.000", PRELIMINARY, date(2026, 10, 15), EXAMPLE)]
    y2026, y2027, y2028 = uplift_years({y: 1_726_000 for y in (2026, 2027, 2028)}, rule, points)
    assert (y2026.amount, y2026.status) == (1_726_000, FIXED)
    assert (y2027.amount, y2027.status) == (1_777_780, PRELIMINARY)
    assert y2027.uses_example and y2027.sources == [EXAMPLE]
    assert (y2028.amount, y2028.status) == (1_831_113, FORECAST)
    assert "2028 är inte publicerat" in y2028.assumption
    assert "3,000" in y2028.assumption
    assert "1\u202f726\u202f000\u00a0kr × 1,03000 = 1\u202f777\u202f780,00 kr" in y2027.explanation


def test_missing_year_is_a_forecast_on_the_latest_known_value():
    # By hand: 1 000 000 × 1.02 = 1 020 000; × 1.02 (assumed) = 1 040 400.
    rule = UpliftRule(2027, FINAL)
    result = uplifted(1_000_000, 2028, rule, [pt(2027, "2.0")])
    assert result.amount == 1_040_400
    assert result.status == FORECAST
    assert result.steps[0].assumption == ""
    assert "antar samma förändring" in result.steps[1].assumption


def test_no_value_at_all_is_a_forecast_that_states_zero_percent():
    result = uplifted(500_000, 2027, UpliftRule(2027, PRELIMINARY, 10), [])
    assert result.amount == 500_000
    assert result.status == FORECAST
    assert "antar 0 %" in result.assumption


def test_final_rule_assumes_the_preliminary_value_until_the_final_one_exists():
    rule = UpliftRule(2027, FINAL)
    result = uplifted(1_000_000, 2027, rule, [pt(2027, "3.2", PRELIMINARY, date(2026, 10, 1))])
    assert (result.amount, result.status) == (1_032_000, FORECAST)
    assert "slutligt värde för 2027 saknas" in result.assumption


def test_preliminary_rule_ignores_a_value_published_in_another_month():
    rule = UpliftRule(2027, PRELIMINARY, 10)
    points = [pt(2027, "2.8", PRELIMINARY, date(2026, 8, 20))]
    result = uplifted(1_000_000, 2027, rule, points)
    assert result.amount == 1_028_000
    assert result.status == FORECAST
    assert "oktober 2026" in result.assumption


def test_final_differing_from_the_preliminary_used_is_reported_in_kronor():
    # Rule: preliminary. 2027: 1 726 000 × 1.030 = 1 777 780; final 2.6 % would give
    # 1 726 000 × 1.026 = 1 770 876, i.e. −6 904 kr.
    # 2028: 1 777 780 × 1.032 = 1 834 668.96 -> 1 834 669; with 2027 final:
    # 1 770 876 × 1.032 = 1 827 544.032 -> 1 827 544, i.e. −7 125 kr.
    rule = UpliftRule(2027, PRELIMINARY, 10)
    points = [
        pt(2027, "3.0", PRELIMINARY, date(2026, 10, 15)),
        pt(2027, "2.6", FINAL, date(2028, 4, 20)),
        pt(2028, "3.2", PRELIMINARY, date(2027, 10, 14)),
    ]
    y2027 = uplifted(1_726_000, 2027, rule, points)
    assert (y2027.amount, y2027.status) == (1_777_780, PRELIMINARY)
    assert y2027.alternative_amount == 1_770_876
    assert y2027.difference == -6_904
    assert "ändras inte" in y2027.difference_text
    y2028 = uplifted(1_726_000, 2028, rule, points)
    assert y2028.amount == 1_834_669
    assert y2028.alternative_amount == 1_827_544
    assert y2028.difference == -7_125


def test_no_difference_when_final_equals_preliminary():
    rule = UpliftRule(2027, PRELIMINARY)
    points = [pt(2027, "3.0", PRELIMINARY), pt(2027, "3.0", FINAL)]
    assert uplifted(1_726_000, 2027, rule, points).difference == 0


def test_years_before_the_first_uplift_year_and_lines_without_rule_are_fixed():
    rule = UpliftRule(2027, FINAL)
    assert uplifted(400_000, 2026, rule, [pt(2026, "5")]).status == FIXED
    result = uplifted(400_000, 2030, None, [])
    assert (result.amount, result.status, result.steps) == (400_000, FIXED, ())


def test_rule_rejects_unknown_basis():
    with pytest.raises(ValueError):
        UpliftRule(2027, "guess")


def test_pure_rule_modules_import_no_django():
    import subprocess
    import sys

    code = (
        "import sys; import funding.uplift, funding.payments, funding.money, funding.charts, "
        "agreements.calendar; print(any(m.startswith('django') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
