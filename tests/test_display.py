"""The display filters and tags: Swedish amounts and ISO dates, rendered through templates."""

from datetime import date
from decimal import Decimal

from django.template import engines


def render(source, **context):
    return engines["django"].from_string("{% load iop %}" + source).render(context)


def test_amounts_are_grouped_with_narrow_spaces_and_a_true_minus():
    assert render("{{ a|kr }}", a=1726000) == "1\u202f726\u202f000\u00a0kr"
    assert render("{{ a|kronor }}", a=-1500) == "\u22121\u202f500\u00a0kronor"
    assert render("{{ a|kr }}", a=None) == ""


def test_kr_cells_renders_one_numeric_cell_per_amount_as_the_filter_does():
    amounts = [1726000, 0, -25, Decimal("1234"), None]
    cells = render("{% kr_cells amounts %}", amounts=amounts)
    by_filter = render(
        '{% for a in amounts %}<td class="num">{{ a|kr }}</td>{% endfor %}', amounts=amounts
    )
    assert cells == by_filter
    assert cells.count("<td") == 5 and "1\u202f726\u202f000\u00a0kr" in cells
    assert render("{% kr_cells amounts %}", amounts=[]) == ""


def test_dates_are_iso():
    assert render("{{ d|iso }}", d=date(2026, 1, 1)) == "2026-01-01"


# The deadline rows as the template loop wrote them before deadline_rows replaced it.
DEADLINE_ROWS_AS_TEMPLATE = """{% load i18n %}{% translate "Försenad" as overdue %}\
{% translate "Snart" as due_soon %}{% translate "Klar" as done %}\
{% translate "Kommande" as upcoming %}{% for d in rows %}<tr class="status-{{ d.status }}">\
<td class="date" data-label="{{ due_label }}">{{ d.due_date|iso }}</td>\
<td data-label="{{ what_label }}">{% if d.url %}<a href="{{ d.url }}">{{ d.title }}</a>\
{% else %}{{ d.title }}{% endif %}{% if d.detail %}<br><span class="muted">{{ d.detail }}</span>\
{% endif %}</td><td data-label="{{ agreement_label }}"><a href="{{ d.agreement_url }}">\
{{ d.agreement.title }}</a></td><td data-label="{{ status_label }}">\
<span class="badge badge--{{ d.status }}">{% if d.status == "overdue" %}{{ overdue }}\
{% elif d.status == "due_soon" %}{{ due_soon }}{% elif d.status == "done" %}{{ done }}\
{% else %}{{ upcoming }}{% endif %}</span></td></tr>{% endfor %}"""


def _deadlines():
    from django.utils.safestring import mark_safe

    from agreements.due.rules import Deadline
    from agreements.due.store import AgreementRef

    hostile = '<script>alert("x")</script> & "Röda" \'Korset\''
    return [
        Deadline(
            "tertial_report",
            AgreementRef(1, hostile),
            date(2026, 3, 1),
            hostile,
            status,
            None,
            url,
            detail=detail,
            agreement_url="/overenskommelser/1/?a=1&b=2",
        )
        for status, url, detail in [
            ("overdue", "/rapporter/1/?x=<y>", ""),
            ("due_soon", "", hostile),
            ("done", "/r/", "Tertial 1"),
            ("upcoming", "", ""),
            ("upcoming", "", mark_safe("<em>marked safe</em>")),
            ("something else", "", ""),
        ]
    ]


def test_deadline_rows_are_escaped_and_equal_to_the_template_loop():
    from django.utils import translation
    from django.utils.safestring import mark_safe

    labels = {
        "due_label": "Senast <",
        "what_label": "Vad",
        "status_label": 'Läge "x"',
        # As {% translate ... as label %} gives it: escaped once and marked safe.
        "agreement_label": mark_safe("Avtal &amp; överenskommelse"),
    }
    for language in ("sv", "en"):
        with translation.override(language):
            rows = render(
                "{% deadline_rows rows due_label=due_label what_label=what_label "
                "agreement_label=agreement_label status_label=status_label %}",
                rows=_deadlines(),
                **labels,
            )
            expected = render(DEADLINE_ROWS_AS_TEMPLATE, rows=_deadlines(), **labels)
        assert rows.replace("\n", "") == expected
        # 6 titles, 6 agreements, 1 detail; text marked safe is kept as it is.
        assert "<script>" not in rows and rows.count("&lt;script&gt;") == 13
        assert "<em>marked safe</em>" in rows and "Avtal &amp; överenskommelse" in rows
    assert "Försenad" not in rows and "Overdue" in rows  # the last one rendered in English
