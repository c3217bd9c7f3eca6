"""Swedish wording rules of the printed documents."""

from datetime import date

import pytest

from agreements.documents.gaps import Gaps, Placeholder, split_paragraphs, typeset
from agreements.documents.text import (
    amounts_phrase,
    date_span,
    frequency_phrase,
    genitive,
    join_words,
    months_phrase,
    number_word,
    payment_months,
    year_span,
)


@pytest.mark.parametrize(
    ("n", "word"), [(1, "en"), (2, "två"), (9, "nio"), (11, "elva"), (12, "tolv"), (13, "13")]
)
def test_small_numbers_are_words_larger_are_digits(n, word):
    assert number_word(n) == word


def test_one_is_ett_for_neuter_nouns():
    assert number_word(1, neuter=True) == "ett"


@pytest.mark.parametrize(
    ("months", "phrase"),
    [
        (9, "nio månaders"),
        (1, "en månads"),
        (24, "två års"),
        (12, "ett års"),
        (18, "18 månaders"),
        (0, "0 månaders"),
    ],
)
def test_month_lengths_read_as_in_the_seeds(months, phrase):
    assert months_phrase(months) == phrase


def test_lists_join_with_och():
    assert join_words(["Region Skåne", "Malmö stad", "Svenska Röda Korset"]) == (
        "Region Skåne, Malmö stad och Svenska Röda Korset"
    )
    assert join_words(["A", "B"]) == "A och B"
    assert join_words(["A"]) == "A"


def test_genitive_adds_s_unless_the_name_ends_in_s():
    assert genitive("Region Skåne") == "Region Skånes"
    assert genitive("Svenska Röda Korset") == "Svenska Röda Korsets"
    assert genitive("Stockholms stad") == "Stockholms stads"
    assert genitive("Borås") == "Borås"


def test_amounts_per_year_when_equal_and_listed_when_not():
    assert amounts_phrase({2021: 400_000, 2022: 400_000}) == "400\u202f000\u00a0kronor per år"
    listed = amounts_phrase({2026: 100, 2027: 200}, unit="kr")
    assert listed == "100\u00a0kr 2026 och 200\u00a0kr 2027"


def test_spans():
    assert year_span([2024, 2021, 2022]) == "2021–2024"
    assert year_span([2021]) == "2021"
    assert date_span(date(2016, 1, 1), date(2018, 12, 31)) == "2016-01-01 – 2018-12-31"


def test_payment_months_follow_the_frequency():
    assert payment_months(1, 1) == ["januari"]
    assert payment_months(1, 2) == ["januari", "juli"]
    assert payment_months(3, 4) == ["mars", "juni", "september", "december"]
    assert len(payment_months(1, 12)) == 12
    assert frequency_phrase(1) == "en gång/år"


def test_missing_values_become_placeholders_and_warnings():
    gaps = Gaps()
    assert gaps.value("Bim Soerich", "Handläggare saknas") == "Bim Soerich"
    placeholder = gaps.value("", "Handläggare saknas")
    assert isinstance(placeholder, Placeholder)
    assert placeholder == "[Handläggare saknas]"
    assert 'class="placeholder"' in placeholder.__html__()
    assert gaps.paragraphs("", "Sammanfattning saknas") == ["[Sammanfattning saknas]"]
    assert gaps.warnings == ["Handläggare saknas", "Sammanfattning saknas"]


def test_paragraphs_split_on_blank_lines():
    assert split_paragraphs("Ett\nstycke.\n\nTvå.\n\n\n") == ["Ett stycke.", "Två."]


def test_codes_and_paragraph_signs_do_not_break():
    html = typeset("Referenskod 825-V10050 ska anges, beslut 2015-12-02 § 190 <b>")
    assert "825\u2060-\u2060V10050" in html
    assert "2015\u2060-\u206012\u2060-\u206002" in html
    assert "§\u00a0190" in html
    assert "&lt;b&gt;" in html
    assert typeset("Hälso- och sjukvårdsnämnden") == "Hälso- och sjukvårdsnämnden"
    assert typeset("2021–2024") == "2021\u2060–\u20602024"
