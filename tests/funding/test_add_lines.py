"""Several funding lines in one save: "Lägg till rad" shows the page again with one more
empty line and everything typed, saving nothing; an added line left empty is no line."""

import pytest
from django.urls import reverse

from funding.models import FundingLine
from tests.factories import make_agreement, make_line, make_party, make_user
from tests.forms_html import posted_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client):
    region = make_party("Region R", kind="region")
    org = make_party("Förening F")
    agreement = make_agreement(region, org)
    make_line(agreement, region, {2026: 100_000}, purpose="Grundbidrag")
    client.force_login(make_user("region_admin", party=region, role="administrator"))
    url = reverse("funding:lines", args=[agreement.pk])
    return client, url, agreement, region, org


def _line(region, purpose, amount):
    return {"party": str(region.pk), "kind": "cash", "purpose": purpose, "amount_2026": amount}


def _typed(data, index, values):
    return {f"rader-{index}-{name}": value for name, value in values.items()}


def test_several_funding_lines_are_saved_in_one_save_without_losing_what_was_typed(page):
    client, url, agreement, region, org = page
    data = posted_form(client.get(url), url)
    total = int(data["rader-TOTAL_FORMS"])
    first = int(data["rader-INITIAL_FORMS"])
    typed = _typed(data, first, _line(region, "Lokaler", "50000"))
    data |= typed

    response = client.post(url, data | {"rad": "rader-lagg-till"})

    assert response.status_code == 200
    assert "Formuläret har fel" not in response.content.decode()
    data = posted_form(response, url)
    assert {name: data[name] for name in typed} == typed
    assert data["rader-TOTAL_FORMS"] == str(total + 1)
    assert (data[f"rader-{total}-purpose"], data[f"rader-{total}-amount_2026"]) == ("", "")
    assert data[f"rader-{total}-receiver"] == str(org.pk)  # offered as on a new line
    assert list(agreement.funding_lines.values_list("purpose", flat=True)) == ["Grundbidrag"]
    agreement.refresh_from_db()
    data |= _typed(data, total, _line(region, "Personal", "250000"))

    response = client.post(url, data)

    assert response.status_code == 302
    saved = {
        line.purpose: line.shares.get(year=2026).amount
        for line in FundingLine.objects.filter(agreement=agreement)
    }
    assert saved == {"Grundbidrag": 100_000, "Lokaler": 50_000, "Personal": 250_000}


def test_adding_a_line_saves_nothing_and_a_stale_save_after_it_is_refused(page):
    client, url, agreement, region, org = page
    data = posted_form(client.get(url), url)
    data |= _typed(data, int(data["rader-INITIAL_FORMS"]), _line(region, "Lokaler", "50000"))
    data = posted_form(client.post(url, data | {"rad": "rader-lagg-till"}), url)
    make_line(agreement, region, {2026: 1}, purpose="Någon annans")
    agreement.funding_version += 1
    agreement.save(update_fields=["funding_version"])

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["conflict"] is not None
    assert sorted(agreement.funding_lines.values_list("purpose", flat=True)) == [
        "Grundbidrag",
        "Någon annans",
    ]


def test_an_added_line_left_empty_is_no_line(page):
    client, url, agreement, region, org = page
    data = posted_form(client.get(url), url)
    data |= _typed(data, int(data["rader-INITIAL_FORMS"]), _line(region, "Lokaler", "50000"))
    for _ in range(2):
        data = posted_form(client.post(url, data | {"rad": "rader-lagg-till"}), url)

    assert client.post(url, data).status_code == 302
    assert sorted(agreement.funding_lines.values_list("purpose", flat=True)) == [
        "Grundbidrag",
        "Lokaler",
    ]
