"""Every page can be found: from the main menu, or from the page it belongs to; and the
error pages are Swedish and keep the menu."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.factories import make_world

MENU = ["agreements:dashboard", "feeds:manage", "funding:index_values", "agreements:parties"]


@pytest.fixture
def world(db):
    return make_world()


def links(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("role", ["admin", "secretary", "coordinator", "outsider"])
def test_menu_leads_to_calendar_and_index_values_for_every_role(client, world, role):
    client.force_login(world.users[role])
    page = links(client, reverse("agreements:dashboard"))
    for name in MENU:
        assert f'href="{reverse(name)}"' in page, name


@pytest.mark.parametrize(
    ("role", "party"), [("admin", "a"), ("secretary", "a"), ("coordinator", "b")]
)
def test_own_organisation_page_leads_to_its_funding_overview(client, world, role, party):
    client.force_login(world.users[role])
    party = getattr(world, party)
    page = links(client, reverse("agreements:party", args=[party.pk]))
    overview = reverse("funding:organisation", args=[party.pk])
    assert f'href="{overview}"' in page
    assert client.get(overview).status_code == 200


def test_partner_organisation_page_offers_no_funding_overview(client, world):
    client.force_login(world.users["coordinator"])
    page = links(client, reverse("agreements:party", args=[world.a.pk]))
    assert reverse("funding:organisation", args=[world.a.pk]) not in page


@pytest.mark.parametrize("role", ["admin", "secretary", "coordinator"])
def test_agreement_page_leads_to_payment_plans(client, world, role):
    client.force_login(world.users[role])
    agreement = world.own["agreement"]
    page = links(client, agreement.get_absolute_url())
    assert f'href="{reverse("funding:payments", args=[agreement.pk])}"' in page
    links(client, reverse("funding:payments", args=[agreement.pk]))


def test_payments_page_leads_the_paying_administrator_to_the_plan(client, world):
    client.force_login(world.users["admin"])
    agreement = world.own["agreement"]
    page = links(client, reverse("funding:payments", args=[agreement.pk]))
    assert f'href="{reverse("funding:plan", args=[world.own["line"].pk])}"' in page


def test_not_found_page_is_swedish_with_the_menu(client, world):
    client.force_login(world.users["admin"])
    response = client.get("/finns-inte/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Sidan finns inte</h1>" in page
    assert f'href="{reverse("agreements:list")}"' in page


def test_forbidden_page_is_swedish_with_the_menu(client, world):
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("agreements:edit", args=[world.own["agreement"].pk]))
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Du saknar behörighet</h1>" in page
    assert f'href="{reverse("agreements:list")}"' in page


def test_server_error_page_renders_without_database_or_context_processors():
    # No db fixture: pytest-django fails the test if the page touches the database.
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="sv">' in page
    assert "<h1>Något gick fel</h1>" in page
    for name in MENU:
        assert f'href="{reverse(name)}"' in page, name


def test_a_form_sent_without_its_csrf_token_answers_in_swedish_with_the_menu(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Formuläret kunde inte skickas</h1>" in page
    assert f'href="{reverse("agreements:list")}"' in page
