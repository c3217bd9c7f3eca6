"""Reading index values from CSV text: each problem of a row named, in the row's order."""

from datetime import date
from decimal import Decimal

from django.utils import translation

from funding.index_csv import parse_index_csv


def parse(text):
    with translation.override("sv"):
        return parse_index_csv(text)


def test_a_good_row_gives_its_typed_values():
    values, errors = parse(
        "år;percent;status;published_on;source\n2026;−0,5;utfall;2027-04-01;SKR\n"
    )
    assert errors == []
    assert values == [(2, 2026, Decimal("-0.5"), "final", date(2027, 4, 1), "SKR")]


def test_every_problem_of_a_row_is_listed_in_column_order():
    _values, errors = parse("1899,12.3456,maybe,2026-13-01," + "x" * 301 + "\n")
    assert errors == [
        "Rad 1: året '1899' är inte ett årtal; procentsatsen har fler än tre decimaler; "
        "status 'maybe' ska vara preliminärt eller slutligt; datumet '2026-13-01' ska skrivas "
        "ÅÅÅÅ-MM-DD; källan är längre än 300 tecken."
    ]


def test_a_percent_that_is_not_a_usable_number_is_refused():
    for text in ("NaN", "Infinity", "tre"):
        _values, errors = parse(f"2026,{text},final,2027-04-01,SKR\n")
        assert errors == [f"Rad 1: procentsatsen '{text}' är inte ett tal."]


def test_a_percent_out_of_bounds_is_refused():
    for text in ("-100", "100.001", "1000", "9" * 60, "1e999999", "-1e999999"):
        _values, errors = parse(f"2026,{text},final,2027-04-01,SKR\n")
        assert errors == [
            f"Rad 1: procentsatsen '{text}' ska vara större än −100 och högst 100."
        ], text
    values, errors = parse("2026,100,final,2027-04-01,SKR\n2027,-99.999,final,2028-04-01,SKR\n")
    assert errors == [] and [v[2] for v in values] == [Decimal(100), Decimal("-99.999")]


def test_empty_rows_are_skipped_and_a_repeated_year_and_status_refused():
    values, errors = parse("\n2026,3,final,2027-04-01,SKR\n,,,,\n2026,3,utfall,2027-04-01,SKR\n")
    assert [v[0] for v in values] == [2]
    assert errors == ["Rad 4: året och statusen förekommer redan i filen."]


def test_a_file_written_as_the_swedish_instructions_say_is_read():
    values, errors = parse(
        "år;procent;status;publiceringsdag;källa\n2027;3,1;preliminärt;2026-10-15;SKR 26:45\n"
    )
    assert errors == []
    assert values == [(2, 2027, Decimal("3.1"), "preliminary", date(2026, 10, 15), "SKR 26:45")]
