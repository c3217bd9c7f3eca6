"""Funding pages: own organisation 200, other organisation 404, wrong role 403, wrong method 405."""

from datetime import date

import pytest
from django.urls import reverse

from agreements.models import Party
from funding.models import Payment
from tests.forms_html import fresh_token

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


# Organisation overview


def test_organisation_page_for_own_organisation(client, users, vb):
    region = Party.objects.get(name="Region Västerbotten")
    response = login(client, users["alice"]).get(reverse("funding:organisation", args=[region.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1\u202f831\u202f113\u00a0kr" in html
    assert "Exempelvärde för demo, ej SKR-publicerat" in html
    assert "<svg" in html


def test_organisation_page_of_another_organisation_is_404(client, users, vb):
    region = Party.objects.get(name="Region Västerbotten")
    response = login(client, users["bob"]).get(reverse("funding:organisation", args=[region.pk]))
    assert response.status_code == 404


def test_organisation_page_refuses_post(client, users, vb):
    region = Party.objects.get(name="Region Västerbotten")
    url = reverse("funding:organisation", args=[region.pk])
    assert login(client, users["alice"]).post(url).status_code == 405


def test_organisation_page_needs_login(client, vb):
    region = Party.objects.get(name="Region Västerbotten")
    response = client.get(reverse("funding:organisation", args=[region.pk]))
    assert response.status_code == 302


# Payments


def payment_data(vb, **overrides):
    data = {
        "line": vb.funding_lines.get().pk,
        "year": 2026,
        "paid_on": "2026-01-20",
        "amount": "1726000",
        "reference": "825-V10050",
        **fresh_token(),
    }
    data.update(overrides)
    return data


def test_payments_page_lists_expected_payments(client, users, vb):
    response = login(client, users["bob"]).get(reverse("funding:payments", args=[vb.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026-01-31" in html and "1\u202f777\u202f780\u00a0kr" in html
    assert "403-4849" in html and "825-V10050" in html
    assert "Registrera betalning" not in html  # coordinator: no form


def test_administrator_registers_a_payment(client, users, vb):
    url = reverse("funding:payments", args=[vb.pk])
    response = login(client, users["alice"]).post(url, payment_data(vb))
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.paid_on) == (1_726_000, date(2026, 1, 20))
    html = client.get(url).content.decode()
    assert "betald" in html


def test_overpayment_is_refused_with_a_message(client, users, vb):
    url = reverse("funding:payments", args=[vb.pk])
    response = login(client, users["alice"]).post(url, payment_data(vb, amount="1726001"))
    assert response.status_code == 400
    assert "överstiger beloppet för 2026 med 1\u00a0kr" in response.content.decode()
    assert not Payment.objects.exists()


def test_coordinator_may_not_register_a_payment(client, users, vb):
    url = reverse("funding:payments", args=[vb.pk])
    assert login(client, users["bob"]).post(url, payment_data(vb)).status_code == 403
    assert not Payment.objects.exists()


def test_payments_of_another_organisations_agreement_is_404(client, users, vb):
    url = reverse("funding:payments", args=[vb.pk])
    assert login(client, users["olle"]).get(url).status_code == 404
    assert client.post(url, payment_data(vb)).status_code == 404


def test_payments_refuses_put(client, users, vb):
    url = reverse("funding:payments", args=[vb.pk])
    assert login(client, users["alice"]).put(url).status_code == 405


# Many agreements: totals on the overview, the rows one click away


@pytest.mark.parametrize("count", [3, 30])
def test_organisation_overview_keeps_totals_and_pages_the_rows(
    client, db, django_assert_max_num_queries, count
):
    from tests.factories import make_agreement, make_line, make_party, make_user

    region = make_party("Region R", kind="region")
    payers = [make_party(f"Kommun {n}", kind="municipality") for n in range(8)]
    org = make_party("Förening F")
    admin = make_user(party=region, role="administrator")
    coordinator = make_user(party=org, role="coordinator")
    for n in range(count):
        agreement = make_agreement(region, payers[n % 8], org, title=f"Överenskommelse {n:02}")
        make_line(agreement, region, {2026: 1000 + n}, budget="Budget A", receiver=org)
        make_line(agreement, payers[n % 8], {2026: 10}, budget="Budget K", receiver=org)
    url = reverse("funding:organisation", args=[region.pk])
    login(client, admin)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    page = response.content.decode()
    # One budget: its total and the number of its lines, linking to them page by page.
    total = sum(1000 + n for n in range(count))
    assert f"{total:,}".replace(",", "\u202f") + "\u00a0kr" in page
    assert "Överenskommelse " not in page
    rows = "rad" if count == 1 else "rader"
    assert f'href="?budget=Budget%20A">Budget A</a> <span class="muted">({count} {rows})' in page

    seen = []
    for number in (1, 2, 3):
        with django_assert_max_num_queries(14):
            response = client.get(url, {"budget": "Budget A", "sida": number})
        assert response.status_code == 200
        seen += [agreement.title for agreement, *_ in response.context["page"].object_list]
        if not response.context["page"].has_next():
            break
    assert sorted(seen) == [f"Överenskommelse {n:02}" for n in range(count)]
    assert client.get(url, {"budget": "Finns inte"}).status_code == 404

    # The non-profit receives from nine payers: one row per payer with its total.
    url = reverse("funding:organisation", args=[org.pk])
    page = login(client, coordinator).get(url).content.decode()
    if count == 30:
        assert page.count("Överenskommelse ") == 0
        assert f'href="?betalare={payers[0].pk}">Kommun 0</a>' in page
        assert '<span class="muted">(4 rader)</span>' in page  # Kommun 0 pays 4 of the 30
        assert '<span class="muted">(30 rader)</span>' in page  # the region itself
    group = client.get(url, {"betalare": payers[0].pk})
    titles = [agreement.title for agreement, *_ in group.context["page"].object_list]
    assert titles == sorted(f"Överenskommelse {n:02}" for n in range(0, count, 8))


@pytest.mark.parametrize("lines", [1, 8])
def test_funding_lines_page_reads_the_parties_once_however_many_lines(
    client, db, django_assert_max_num_queries, lines
):
    from tests.factories import make_agreement, make_line, make_party, make_user

    region = make_party("Region R", kind="region")
    org = make_party("Förening F")
    admin = make_user(party=region, role="administrator")
    agreement = make_agreement(region, org)
    for n in range(lines):
        make_line(agreement, region, {2026: 1000 + n}, purpose=f"Syfte {n}")
    login(client, admin)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("funding:lines", args=[agreement.pk]))
    assert response.status_code == 200
    # Each row offers the parties as payer and as receiver; a new row is paid to the non-profit.
    page = response.content.decode()
    assert page.count(">Förening F</option>") == 2 * (lines + 1)
    assert page.count("selected>Förening F</option>") == 1


def test_lines_without_a_budget_have_their_own_group_page(client, db):
    from tests.factories import make_agreement, make_line, make_party, make_user

    region, org = make_party("Region R", kind="region"), make_party("Förening F")
    admin = make_user(party=region, role="administrator")
    for n in range(3):
        agreement = make_agreement(region, org, title=f"Överenskommelse {n}")
        make_line(agreement, region, {2026: 100 + n}, budget="" if n else "Budget A")
    url = reverse("funding:organisation", args=[region.pk])
    page = login(client, admin).get(url, {"budget": ""})
    assert page.context["group"].count == 2 and page.context["group"].total == 203
    titles = [agreement.title for agreement, *_ in page.context["page"].object_list]
    assert sorted(titles) == ["Överenskommelse 1", "Överenskommelse 2"]
    # The group's total names it as a caption, in both languages: never "Summa Ingen …".
    assert ">Summa: Ingen budget angiven<" in page.content.decode()
    overview = client.get(url).content.decode()
    assert '?budget=Budget%20A">Budget A<' in overview
    assert '?budget=">Ingen budget angiven<' in overview
    # The same page in either language: a link saved in one still works in the other.
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(url, {"budget": ""}).content.decode()
    assert ">Total: No budget given<" in english


@pytest.mark.parametrize("lines", [1, 6])
def test_payments_page_reads_the_lines_once_however_many(
    client, db, django_assert_max_num_queries, lines
):
    from funding.models import PaymentPlan
    from tests.factories import make_agreement, make_line, make_party, make_user

    region = make_party("Region R", kind="region")
    org = make_party("Förening F")
    admin = make_user(party=region, role="administrator")
    agreement = make_agreement(region, org)
    for n in range(lines):
        line = make_line(agreement, region, {2026: 1200 + n}, purpose=f"Syfte {n}", receiver=org)
        PaymentPlan.objects.create(
            line=line,
            installments_per_year=1,
            first_month=1,
            due_day=25,
            bankgiro="5050-1055",
        )
    make_line(agreement, org, {2026: 50}, purpose="Utan plan")
    login(client, admin)
    # 12: the one query finding whose lines the user may change (funding_parties_for).
    with django_assert_max_num_queries(12):
        response = client.get(reverse("funding:payments", args=[agreement.pk]))
    assert response.status_code == 200
    assert len(response.context["plans"]) == lines
    assert len(response.context["funding"].parties) == 2


def test_organisation_overview_shows_the_first_payers_and_pages_them_all(
    client, db, django_assert_max_num_queries
):
    from tests.factories import make_agreement, make_line, make_party, make_user

    org = make_party("Förening F")
    coordinator = make_user(party=org, role="coordinator")
    payers = [make_party(f"Kommun {n:02}", kind="municipality") for n in range(30)]
    for n, payer in enumerate(payers):
        agreement = make_agreement(payer, org, title=f"Överenskommelse {n:02}")
        make_line(agreement, payer, {2026: 100 + n}, receiver=org)
    url = reverse("funding:organisation", args=[org.pk])
    login(client, coordinator)
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert [f"Kommun {n:02}</a>" in page for n in range(30)] == [n < 20 for n in range(30)]
    assert 'href="?alla=betalare">Visa alla 30 betalare</a>' in page
    total = sum(100 + n for n in range(30))
    assert f"{total:,}".replace(",", "\u202f") + "\u00a0kr" in page  # the total of all 30

    seen = []
    for number in (1, 2):
        with django_assert_max_num_queries(12):
            response = client.get(url, {"alla": "betalare", "sida": number})
        seen += [group.label for group in response.context["page"].object_list]
    assert seen == [f"Kommun {n:02}" for n in range(30)]
    assert (
        f'href="?betalare={payers[0].pk}">Kommun 00</a>'
        in client.get(url, {"alla": "betalare"}).content.decode()
    )
    assert client.get(url, {"alla": "annat"}).status_code == 404
