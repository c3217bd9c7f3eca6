"""Amounts and percentages are typed as people write them: "1 726 000 kr", "3,1". Every money
form has a text input with inputmode (no type=number that a scroll wheel changes or that
reads "3,1" as 31), takes thousands spaces and a decimal comma, and refuses the rest with a
message that says how to write it."""

import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from funding.models import IndexSeries, IndexValue, Payment, Share
from tests.factories import make_agreement, make_line, make_party, make_user
from tests.funding.test_party_lines import lines_post, payment_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    region = make_party("Region R", kind="region")
    org = make_party("Förening F")
    agreement = make_agreement(region, org)
    line = make_line(agreement, region, {2026: 2_000_000}, receiver=org)
    series = IndexSeries.objects.create(name="Regionens index", owner=region)
    value = IndexValue.objects.create(
        series=series,
        year=2027,
        percent="2.000",
        status="preliminary",
        published_on=date(2026, 10, 15),
        source="Regionens budget",
    )
    admin = make_user("region_admin", party=region, role="administrator")
    return SimpleNamespace(agreement=agreement, line=line, series=series, value=value, admin=admin)


def number_inputs(html, *names):
    """The <input> tags of the named fields; each must exist."""
    tags = {}
    for name in names:
        found = re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
        assert len(found) == 1, name
        tags[name] = found[0]
    return tags


def assert_text_inputs(html, mode, *names):
    for name, tag in number_inputs(html, *names).items():
        assert 'type="text"' in tag and f'inputmode="{mode}"' in tag, (name, tag)


def assert_refused(response, message):
    html = response.content.decode()
    assert response.status_code in (200, 400)  # the funding page answers 200, as it did
    assert message in html
    assert re.search(r"<title>\s*Fel: ", html)


def test_payment_amount_takes_thousands_spaces_and_kr(client, world):
    client.force_login(world.admin)
    url = reverse("funding:payments", args=[world.agreement.pk])
    assert_text_inputs(client.get(url).content.decode(), "numeric", "amount", "year")

    assert client.post(url, payment_post(world.line, amount="1 726 000")).status_code == 302
    assert client.post(url, payment_post(world.line, amount="1 000 kr")).status_code == 302
    assert sorted(Payment.objects.values_list("amount", flat=True)) == [1_000, 1_726_000]

    response = client.post(url, payment_post(world.line, amount="3,1"))
    assert_refused(response, "Ange beloppet i hela kronor, t.ex. 1 726 000.")
    assert Payment.objects.count() == 2


def test_funding_line_amounts_take_thousands_spaces_and_kr(client, world):
    client.force_login(world.admin)
    url = reverse("funding:lines", args=[world.agreement.pk])
    html = client.get(url).content.decode()
    assert_text_inputs(html, "numeric", "rader-0-amount_2026", "rader-0-period_total")

    changes = {world.line.pk: {"amount_2026": "1 726 000 kr", "period_total": "1 726 000"}}
    assert client.post(url, lines_post(world.agreement, changes)).status_code == 302
    assert Share.objects.get(line=world.line, year=2026).amount == 1_726_000
    world.line.refresh_from_db()
    assert world.line.period_total == 1_726_000

    changes = {world.line.pk: {"amount_2026": "3,1"}}
    response = client.post(url, lines_post(world.agreement, changes))
    assert_refused(response, "Ange beloppet i hela kronor, t.ex. 1 726 000.")
    assert Share.objects.get(line=world.line, year=2026).amount == 1_726_000


def test_a_new_index_value_takes_a_decimal_comma(client, world):
    client.force_login(world.admin)
    url = reverse("funding:index_series", args=[world.series.pk])
    assert_text_inputs(client.get(url).content.decode(), "decimal", "percent")
    added = {
        "action": "add",
        "year": "2028",
        "percent": "3,1",
        "status": "preliminary",
        "published_on": "2027-10-14",
        "source": "Regionens budget 2028",
    }
    assert client.post(url, added).status_code == 302
    assert world.series.values.get(year=2028).percent == Decimal("3.1")

    response = client.post(url, added | {"year": "2029", "percent": "1 726 000"})
    assert response.status_code == 400
    assert not world.series.values.filter(year=2029).exists()


def test_a_corrected_index_value_takes_a_decimal_comma(client, world):
    client.force_login(world.admin)
    url = reverse("funding:index_value", args=[world.value.pk])
    assert_text_inputs(client.get(url).content.decode(), "decimal", "percent")
    correction = {
        "percent": "3,1",
        "published_on": "2026-10-15",
        "source": "Regionens budget, rättad",
        "reason": "Fel siffra i budgeten",
        "version": "1",
    }
    assert client.post(url, correction | {"percent": "1 726 000"}).status_code == 400
    assert client.post(url, correction).status_code == 302
    world.value.refresh_from_db()
    assert world.value.percent == Decimal("3.1")
