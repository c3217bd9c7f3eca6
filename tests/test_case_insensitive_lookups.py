"""Django's case-insensitive lookups find Swedish letters in any case on both databases
(iop/sqlite.py gives SQLite a LIKE that folds every letter, as PostgreSQL's lookups do), and
take % _ and \\ in what is searched for as themselves."""

import pytest

from agreements.models import Party
from tests.factories import make_party

pytestmark = pytest.mark.django_db

RED_CROSS = "Svenska Röda Korset Ö-vik"
ODD = "Förening 50% rabatt_ett\\två"


@pytest.fixture
def names():
    make_party(RED_CROSS)
    make_party(ODD)
    make_party("Annan förening")


@pytest.mark.parametrize(
    ("lookup", "value", "found"),
    [
        ("icontains", "RÖDA KORSET", [RED_CROSS]),
        ("icontains", "röda korset ö-VIK", [RED_CROSS]),
        ("istartswith", "SVENSKA RÖ", [RED_CROSS]),
        ("iendswith", "ö-VIK", [RED_CROSS]),
        ("iexact", "svenska röda korset ö-vik", [RED_CROSS]),
        ("iexact", "svenska röda korset", []),
        ("icontains", "FÖRENING", ["Annan förening", ODD]),
        ("icontains", "50%", [ODD]),
        ("icontains", "0% R", [ODD]),
        ("icontains", "T_E", [ODD]),
        ("icontains", "T\\TVÅ", [ODD]),
        ("icontains", "%", [ODD]),
        ("icontains", "_", [ODD]),
        ("icontains", "a_t", []),  # _ is not any one character
        ("icontains", "n%r", []),  # % is not any run
    ],
)
def test_case_insensitive_lookups_fold_every_letter(names, lookup, value, found):
    matches = Party.objects.filter(**{f"name__{lookup}": value}).order_by("name")
    assert list(matches.values_list("name", flat=True)) == found
