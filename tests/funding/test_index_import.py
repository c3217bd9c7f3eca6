"""Index values: CSV import all-or-nothing with Swedish, line-numbered errors."""

from decimal import Decimal

import pytest

from funding.models import IndexSeries, IndexValue
from funding.services import import_index_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(db):
    return IndexSeries.objects.create(name="Testindex")


def test_good_file_imports_every_row(series):
    text = (
        "\ufeffyear,percent,status,published_on,source\n"
        "2025,2.900,final,2026-04-15,SKR utfall\n"
        "2026,3.100,preliminary,2025-10-15,SKR cirkulär\n"
    )
    created, errors = import_index_csv(series=series, text=text)
    assert errors == []
    assert len(created) == 2
    assert IndexValue.objects.get(year=2026).percent == Decimal("3.100")


def test_semicolon_and_decimal_comma_are_accepted(series):
    created, errors = import_index_csv(
        series=series, text="2026;3,1;preliminär;2025-10-15;SKR\n".replace("preliminär", "final")
    )
    assert errors == [] and created[0].percent == Decimal("3.1")


def test_bad_rows_give_line_numbered_errors_and_import_nothing(series):
    text = (
        "year,percent,status,published_on,source\n"
        "2025,2.9,final,2026-04-15,SKR\n"
        "20x6,abc,maybe,15/10/2025,\n"
        "2027,3.0,final\n"
        "2025,3.0,final,2026-04-15,SKR\n"
    )
    created, errors = import_index_csv(series=series, text=text)
    assert created == []
    assert not IndexValue.objects.exists()
    assert errors[0].startswith("Rad 3: ")
    assert "årtal" in errors[0] and "inte ett tal" in errors[0] and "ÅÅÅÅ-MM-DD" in errors[0]
    assert "källa saknas" in errors[0]
    assert errors[1].startswith("Rad 4: 3 kolumner")
    assert errors[2].startswith("Rad 5: ") and "förekommer redan" in errors[2]


def test_value_already_in_the_database_is_refused_with_its_line(series):
    IndexValue.objects.create(
        series=series,
        year=2026,
        percent="3",
        status="final",
        published_on="2027-04-01",
        source="SKR",
    )
    created, errors = import_index_csv(
        series=series, text="2027,3.0,final,2028-04-01,SKR\n2026,3.0,final,2027-04-01,SKR\n"
    )
    assert created == [] and errors == ["Rad 2: det finns redan ett slutligt värde för 2026."]
    assert IndexValue.objects.count() == 1


def test_empty_file_is_an_error(series):
    assert import_index_csv(series=series, text="\n")[1] == ["Filen innehåller inga värden."]
