"""The display filters and tags: Swedish amounts and ISO dates, rendered through templates."""

from datetime import date

from django.template import engines


def render(source, **context):
    return engines["django"].from_string("{% load iop %}" + source).render(context)


def test_amounts_are_grouped_with_narrow_spaces_and_a_true_minus():
    assert render("{{ a|kr }}", a=1726000) == "1\u202f726\u202f000\u00a0kr"
    assert render("{{ a|kronor }}", a=-1500) == "\u22121\u202f500\u00a0kronor"
    assert render("{{ a|kr }}", a=None) == ""


def test_dates_are_iso():
    assert render("{{ d|iso }}", d=date(2026, 1, 1)) == "2026-01-01"
