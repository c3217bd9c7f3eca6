"""Each party's funding lines and payments are its own: its administrators change them; an
administrator of another party to the same agreement sees them and gets 403 changing them.
A party without an administrator has its lines entered by the agreement's other parties."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse

from agreements.models import Membership
from funding.models import FundingLine, Payment, Share
from tests.factories import make_agreement, make_line, make_party, make_user
from tests.forms_html import fresh_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    region = make_party("Region R", kind="region")
    town = make_party("Kommun K", kind="municipality")
    org = make_party("Förening F")
    agreement = make_agreement(region, town, org)
    region_line = make_line(agreement, region, {2026: 400_000})
    town_line = make_line(agreement, town, {2026: 200_000})
    town_payment = Payment.objects.create(
        line=town_line, year=2026, paid_on=date(2026, 2, 1), amount=50_000
    )
    users = {
        "region": make_user("region_admin", party=region, role="administrator"),
        "town": make_user("kommun_admin", party=town, role="administrator"),
        "coordinator": make_user("forening_samord", party=org, role="coordinator"),
    }
    return SimpleNamespace(
        region=region,
        town=town,
        org=org,
        agreement=agreement,
        region_line=region_line,
        town_line=town_line,
        town_payment=town_payment,
        users=users,
    )


def lines_post(agreement, changes=None, new=None):
    """Every line as the page loaded it (with changes), and optionally one new row."""
    agreement.refresh_from_db()
    lines = list(agreement.funding_lines.prefetch_related("shares"))
    rows = []
    for line in lines:
        amounts = {s.year: s.amount for s in line.shares.all()}
        row = {"id": line.pk, "party": line.party_id, "kind": line.kind, "purpose": line.purpose}
        row |= {f"amount_{year}": amounts.get(year, "") for year in agreement.years}
        rows.append(row | (changes or {}).get(line.pk, {}))
    if new:
        rows.append(new)
    data = {
        "version": agreement.funding_version,
        "rader-TOTAL_FORMS": len(rows),
        "rader-INITIAL_FORMS": len(lines),
        "rader-MIN_NUM_FORMS": "0",
        "rader-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data |= {f"rader-{i}-{name}": value for name, value in row.items()}
    return data


def amount(line, year=2026):
    return Share.objects.get(line=line, year=year).amount


def test_an_administrator_of_one_party_gets_403_adding_or_moving_a_line_to_another(client, world):
    url = reverse("funding:lines", args=[world.agreement.pk])
    client.force_login(world.users["region"])
    new = {"party": world.town.pk, "kind": "cash", "purpose": "Extra", "amount_2026": "1"}
    assert client.post(url, lines_post(world.agreement, new=new)).status_code == 403
    moved = {world.region_line.pk: {"party": world.town.pk, "purpose": "Flyttad"}}
    assert client.post(url, lines_post(world.agreement, moved)).status_code == 403
    assert not FundingLine.objects.filter(party=world.town, purpose="Extra").exists()
    assert FundingLine.objects.get(pk=world.region_line.pk).party == world.region


def test_another_partys_line_is_shown_locked_and_a_posted_change_to_it_is_ignored(client, world):
    url = reverse("funding:lines", args=[world.agreement.pk])
    client.force_login(world.users["region"])
    page = client.get(url)
    locked = {form.instance.pk: form.locked for form in page.context["formset"].forms[:2]}
    assert locked == {world.region_line.pk: False, world.town_line.pk: True}
    assert "Kommun K ändrar sina egna rader." in page.content.decode()
    # Kommun K, which has its own administrator, is not offered as the payer of a new line;
    # any party is offered as its receiver.
    new = page.context["formset"].forms[-1]
    assert "Kommun K" not in [label for _pk, label in new.fields["party"].widget.choices]
    assert "Kommun K" in [label for _pk, label in new.fields["receiver"].widget.choices]

    changes = {
        world.region_line.pk: {"amount_2026": "410000"},
        world.town_line.pk: {"amount_2026": "1", "DELETE": "on"},
    }
    assert client.post(url, lines_post(world.agreement, changes)).status_code == 302
    assert amount(world.region_line) == 410_000
    assert amount(world.town_line) == 200_000


def test_a_partys_own_administrator_changes_its_line(client, world):
    url = reverse("funding:lines", args=[world.agreement.pk])
    client.force_login(world.users["town"])
    changes = {world.town_line.pk: {"amount_2026": "210000"}}
    assert client.post(url, lines_post(world.agreement, changes)).status_code == 302
    assert amount(world.town_line) == 210_000
    assert amount(world.region_line) == 400_000


def test_a_coordinator_changes_no_funding(client, world):
    client.force_login(world.users["coordinator"])
    url = reverse("funding:lines", args=[world.agreement.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, lines_post(world.agreement)).status_code == 403


def test_a_party_without_an_administrator_is_looked_after_until_it_gets_one(client, world):
    newcomer = make_party("Förening Ny")
    make_user("ny_samord", party=newcomer, role="coordinator")
    agreement = make_agreement(world.region, newcomer)
    url = reverse("funding:lines", args=[agreement.pk])
    client.force_login(world.users["region"])
    new = {"party": newcomer.pk, "kind": "cash", "amount_2026": "5000"}
    assert client.post(url, lines_post(agreement, new=new)).status_code == 302
    line = FundingLine.objects.get(agreement=agreement, party=newcomer)

    make_user("ny_admin", party=newcomer, role="administrator")
    changes = {line.pk: {"amount_2026": "1"}}
    new = {"party": newcomer.pk, "kind": "in_kind", "amount_2026": "1"}
    assert client.post(url, lines_post(agreement, changes, new=new)).status_code == 403
    assert client.post(url, lines_post(agreement, changes)).status_code == 302
    assert amount(line) == 5000


def payment_post(line, amount="1000", **overrides):
    return (
        {
            "line": line.pk,
            "year": 2026,
            "paid_on": "2026-03-01",
            "amount": amount,
            "reference": "",
            "note": "",
            "version": "1",  # an edit page's version: the payments here were never changed
        }
        | fresh_token()
        | overrides
    )


def test_an_administrator_of_one_party_gets_403_on_another_partys_payments(client, world):
    client.force_login(world.users["region"])
    payments = reverse("funding:payments", args=[world.agreement.pk])
    assert client.post(payments, payment_post(world.town_line)).status_code == 403
    assert Payment.objects.filter(line=world.town_line).count() == 1

    edit = reverse("funding:payment", args=[world.town_payment.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, payment_post(world.town_line, "1")).status_code == 403
    world.town_payment.refresh_from_db()
    assert world.town_payment.amount == 50_000

    # Its own line's payments it registers, and moves none onto another party's line.
    assert client.post(payments, payment_post(world.region_line)).status_code == 302
    own = Payment.objects.get(line=world.region_line)
    edit_own = reverse("funding:payment", args=[own.pk])
    assert client.post(edit_own, payment_post(world.town_line)).status_code == 403
    assert Payment.objects.get(pk=own.pk).line == world.region_line

    # The page offers its own lines and the "change" links of its own payments only.
    page = client.get(payments).content.decode()
    assert f'<option value="{world.town_line.pk}"' not in page
    assert f'<option value="{world.region_line.pk}"' in page
    assert edit_own in page and edit not in page


def test_the_paying_partys_administrator_corrects_its_payment(client, world):
    client.force_login(world.users["town"])
    edit = reverse("funding:payment", args=[world.town_payment.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, payment_post(world.town_line, "60000")).status_code == 302
    world.town_payment.refresh_from_db()
    assert world.town_payment.amount == 60_000


def test_the_agreement_page_offers_changes_of_the_users_own_funding_only(client, world):
    client.force_login(world.users["region"])
    page = client.get(world.agreement.get_absolute_url()).content.decode()
    assert reverse("funding:lines", args=[world.agreement.pk]) in page
    assert reverse("funding:payment", args=[world.town_payment.pk]) not in page
    Membership.objects.filter(user=world.users["region"]).update(role="secretary")
    client.force_login(world.users["region"])
    page = client.get(world.agreement.get_absolute_url()).content.decode()
    assert reverse("funding:lines", args=[world.agreement.pk]) not in page
