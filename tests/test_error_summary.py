"""Forms answer errors as GOV.UK and Digg do: a summary at the top links each error to its
field, the page title starts with "Fel:", and an empty required field says what to do."""

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse

from tests.factories import make_world
from tests.forms_html import fresh_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_world()


def summary_links(html):
    """(href, text) of each link in the error summary."""
    summary = re.search(
        r'<div class="error-summary"[^>]*data-error-summary>(.*?)</div>', html, re.S
    )
    assert summary, "no error summary"
    return re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', summary.group(1))


def test_an_empty_payment_lists_each_error_linked_to_its_field(client, world):
    client.force_login(world.users["admin"])
    url = reverse("funding:payments", args=[world.own["agreement"].pk])
    response = client.post(
        url, {"line": "", "year": "", "paid_on": "", "amount": ""} | fresh_token()
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r"<title>\s*Fel: Betalningar", html)
    links = summary_links(html)
    assert links == [
        ("id_line", "Välj finansieringsrad"),
        ("id_year", "Ange vilket år betalningen avser"),
        ("id_paid_on", "Ange betalningsdag"),
        ("id_amount", "Ange belopp"),
    ], links
    for anchor, _message in links:
        assert f'id="{anchor}"' in html
    assert "Detta fält måste fyllas i" not in html


def test_an_error_in_a_formset_row_links_to_that_rows_field(client, world):
    client.force_login(world.users["admin"])
    agreement = world.own["agreement"]
    url = reverse("funding:lines", args=[agreement.pk])
    from tests.funding.test_party_lines import lines_post

    changes = {world.own["line"].pk: {"amount_2026": "mycket"}}
    html = client.post(url, lines_post(agreement, changes)).content.decode()
    assert ("id_rader-0-amount_2026", "Rad 1: Ange beloppet i hela kronor, t.ex. 1 726 000.") in (
        summary_links(html)
    )
    assert re.search(r"<title>\s*Fel: ", html)


def test_a_page_without_errors_has_no_summary_and_no_error_title(client, world):
    client.force_login(world.users["admin"])
    html = client.get(reverse("funding:payments", args=[world.own["agreement"].pk])).content
    html = html.decode()
    assert "data-error-summary" not in html
    assert not re.search(r"<title>\s*Fel", html)


def test_focus_moves_to_the_summary_by_a_script_file_only_on_a_page_with_errors(client, world):
    client.force_login(world.users["admin"])
    url = reverse("funding:payments", args=[world.own["agreement"].pk])
    assert "<script" not in client.get(url).content.decode()
    html = client.post(url, {"amount": "mycket"} | fresh_token()).content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts == ['<script src="/static/js/error-summary.js" defer>']
    script = (Path(settings.BASE_DIR) / "static/js/error-summary.js").read_text()
    assert "[data-error-summary]" in script and ".focus()" in script


class Example(forms.Form):
    name = forms.CharField(label="Organisationsnummer")
    kind = forms.ChoiceField(label="Typ", choices=[("a", "A")])
    series = forms.CharField(label="LPIK-värde")
    own = forms.CharField(label="Namn", error_messages={"required": "Skriv ett namn."})


def test_every_required_field_says_what_to_do():
    form = Example(data={})
    assert form.errors == {
        "name": ["Ange organisationsnummer"],
        "kind": ["Välj typ"],
        "series": ["Ange LPIK-värde"],
        "own": ["Skriv ett namn."],
    }


@pytest.mark.parametrize(
    ("role", "name", "target"),
    [
        ("admin", "agreements:create", None),
        ("admin", "agreements:edit", "agreement"),
        ("admin", "agreements:obligations", "agreement"),
        ("admin", "agreements:list", None),
        ("admin", "funding:lines", "agreement"),
        ("admin", "funding:payments", "agreement"),
        ("admin", "funding:plan", "line"),
        ("admin", "funding:index_values", None),
        ("secretary", "agreements:proposal_create", "agreement"),
        ("coordinator", "agreements:report_create", None),
    ],
)
def test_no_form_has_a_number_input_a_scroll_wheel_changes(client, world, role, name, target):
    client.force_login(world.users[role])
    args = [world.own[target].pk] if target else []
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<input" in html
    assert 'type="number"' not in html
