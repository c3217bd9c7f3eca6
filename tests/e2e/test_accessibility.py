"""axe-core on every page each role may open, at desktop and phone width: no violation of
WCAG 2.0 and 2.1, levels A and AA.

The pages are those of the role × URL matrix (tests/agreements/test_access.py), on its world
of objects: a URL added to the app is checked here the day it gets its row there. axe-core is
npm's package, pinned in tests/e2e/axe/package-lock.json and installed by `make test`.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.agreements.test_access import EXPECTED, url_for, url_patterns, world  # noqa: F401

from .steps import PASSWORD, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
# Files, not pages: PDFs, downloads, the CSV/JSON export.
NOT_PAGES = {
    "agreements:attachment",
    "agreements:dossier",
    "documents:agreement_pdf",
    "documents:proposal_pdf",
    "documents:download",
    "funding:export",
}
# What the page's own tests check (tests/e2e/test_members.py): its token is a secret.
NOT_PAGES |= {"agreements:invitation", "feeds:calendar"}


def pages_of(role, objects):
    """(name, URL) of every page the role may open in its own organisation's world."""
    pages = []
    for qualified, pattern in url_patterns():
        kind, get_roles = EXPECTED.get(qualified, (None, None, None))[:2]
        if get_roles and role in get_roles and qualified not in NOT_PAGES:
            pages.append((qualified, url_for(qualified, pattern, objects)))
    return pages


def violations(page, where):
    """axe's violations on the page, one readable line per element."""
    # The site's CSP allows no inline script, so page.add_script_tag (an inline <script>)
    # would be refused; evaluate runs the file through the DevTools protocol, which the CSP
    # does not govern, and the page itself stays under its real policy.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    run = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
    result = page.evaluate(run, TAGS)
    return [
        f"{where}: {v['id']} ({v['impact']}) {node['target']}: {v['help']}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


def check_both_widths(page, where):
    found = []
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        found += violations(page, f"{where} [{width}]")
    return found


@pytest.fixture
def axe():
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}: run `make test` (it runs npm ci)")


@pytest.mark.parametrize("role", ["admin", "coordinator", "secretary"])
def test_every_page_of_the_role_has_no_violation(new_page, world, axe, role):  # noqa: F811
    user = world.users[role]
    user.set_password(PASSWORD)
    user.save()
    page = new_page()
    log_in(page, user.username)
    found = []
    for qualified, url in pages_of(role, world.own):
        response = page.goto(url)
        assert response.ok, f"{url} ({qualified}): {response.status}"
        assert "text/html" in response.headers["content-type"], f"{url} ({qualified})"
        found += check_both_widths(page, f"{url} ({qualified})")
    assert found == [], "\n".join(found)


def test_the_login_page_has_no_violation(new_page, axe):
    page = new_page()
    page.goto("/konto/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    found = check_both_widths(page, "/konto/login/")
    # And with an error shown.
    page.get_by_label("Användarnamn").fill("ingen")
    page.get_by_label("Lösenord").fill("fel")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found += check_both_widths(page, "/konto/login/ (error)")
    assert found == [], "\n".join(found)


def test_a_form_with_errors_has_no_violation(new_page, world, axe):  # noqa: F811
    """The error summary and the errors beside their fields."""
    admin = world.users["admin"]
    admin.set_password(PASSWORD)
    admin.save()
    page = new_page()
    log_in(page, admin.username)
    page.goto(f"/finansiering/overenskommelse/{world.own['agreement'].pk}/betalningar/")
    page.get_by_label("Belopp (kr)").fill("3,1")
    page.get_by_role("button", name="Registrera", exact=True).click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    found = check_both_widths(page, "betalningar (error)")
    assert found == [], "\n".join(found)
