"""Single sign-on in a real browser: the login page's link, the provider's pages and the
return, under the app's Content-Security-Policy."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from agreements.models import Membership, Party, PartyKind
from tests.sso.conftest import REGION_NUMBER, make_provider, running_provider

from .conftest import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in_at_provider(page, login):
    """From the login page: the provider's button, its sign-in form as login, its consent."""
    page.get_by_role("link", name="Logga in med Region A:s inloggning").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("valfritt")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def test_a_user_logs_in_with_the_regions_provider(browser, live_server, settings, tmp_path):
    region = Party.objects.create(name="Region A", kind=PartyKind.REGION, org_number=REGION_NUMBER)
    anna = get_user_model().objects.create(
        username="anna", email="anna.andersson@region-a.se", first_name="Anna"
    )
    Membership.objects.create(user=anna, party=region, role="administrator")
    with running_provider(tmp_path, [f"{live_server.url}/konto/sso/test/retur/"]) as server:
        settings.OIDC_PROVIDERS = (make_provider(server.issuer),)
        context = browser.new_context(base_url=live_server.url, locale="sv-SE")
        context.set_default_timeout(15_000)
        # Only the app and the provider, both on this machine.
        context.route(
            lambda url: not url.startswith((live_server.url, server.issuer)),
            lambda route: route.abort(),
        )
        page = context.new_page()
        blocked = []
        page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m))
        page.goto("/overenskommelser/")
        log_in_at_provider(page, "anna")
        expect(page).to_have_url(f"{live_server.url}/overenskommelser/")
        shot(page, "sso-logged-in")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert blocked == []

        other = browser.new_context(base_url=live_server.url, locale="sv-SE")
        page = other.new_page()
        page.goto("/konto/login/")
        log_in_at_provider(page, "stranger")
        expect(
            page.get_by_text("Det finns inget konto i IOP för okand@region-a.se")
        ).to_be_visible()
        shot(page, "sso-stranger")
        context.close()
        other.close()
