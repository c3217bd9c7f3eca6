"""Browser tests: Playwright driving Debian's Chromium, headless, against live_server.

Chromium comes from the distribution (`make sysdeps`), never from `playwright install`.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# itself are still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make sysdeps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, settings, tmp_path):
    """A factory of fresh pages (one browser context each, so one user each)."""
    settings.MEDIA_ROOT = tmp_path
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, locale="sv-SE", **options)
        context.set_default_timeout(15_000)
        # No request leaves the test server.
        context.route(
            lambda url: not url.startswith(live_server.url),
            lambda route: route.abort(),
        )
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
        return page

    console_errors = []
    yield make
    for context in contexts:
        context.close()
    # The strict CSP allows no inline script or style: a violation would show here.
    assert [e for e in console_errors if "Content Security Policy" in e] == []


def shot(page, name):
    """Save a screenshot when E2E_SCREENSHOTS names a directory."""
    if SCREENSHOTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)
