"""What a user does in the journeys, step by step, in the app's own pages: log in, fill in a
row of a form by its legend and labels, issue and download a document, read a PDF's text."""

import io
import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect
from pypdf import PdfReader

from agreements.models import Membership

PASSWORD = "e2e-lösenord-123"


def make_login(username, party, role):
    """A user with a role in one organisation, and no staff or superuser rights."""
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    Membership.objects.create(user=user, party=party, role=role)
    assert not (user.is_staff or user.is_superuser)
    return user


def watched(page):
    """The page, with the path of every request it makes kept in page.paths."""
    page.paths = []
    page.on("request", lambda request: page.paths.append(_path(request.url)))
    return page


def _path(url):
    return "/" + url.split("://", 1)[-1].split("/", 1)[-1]


def assert_no_admin(*pages):
    paths = [p for page in pages for p in page.paths]
    assert paths, "no request recorded"
    assert [p for p in paths if p.startswith("/admin")] == []


def log_in(page, username):
    page.goto("/konto/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1, name="Att göra")).to_be_visible()


def label(name):
    """A field's label as the screen reader reads it: the text, and "(obligatoriskt)" when
    the field must be filled in."""
    return re.compile(rf"^{re.escape(name)}( ?\*? ?\(obligatoriskt\))?$")


def field(scope, name):
    return scope.get_by_label(label(name))


def row(page, legend):
    """The fieldset of one row of a form, by its legend: "Part 2", "Finansieringsrad 3"."""
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(legend)}(:|$)"))


def choose(scope, name, option):
    field(scope, name).select_option(label=option)


def saved(page, message):
    expect(page.get_by_text(message)).to_be_visible()


def pdf_text(data):
    """The PDF's text as one line: every run of spaces (the narrow no-break space in
    amounts, line breaks) one space; the invisible word joiners gone."""
    assert data.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\u2060", "").split())


def issue_and_download(page, kind):
    """On a document's preview: issue a new version, then download it from the version list.
    kind is how the list names the document ("Överenskommelse", "Beslutsförslag")."""
    # Nothing is missing: the preview lists no gaps (it names them when there are).
    expect(page.get_by_role("link", name="Utfärda ny version")).to_be_visible()
    warnings = page.locator(".document-warnings")
    assert not warnings.count(), warnings.inner_text()
    # Issuing cannot be undone: a confirmation page comes first.
    page.get_by_role("link", name="Utfärda ny version").click()
    page.get_by_role("button", name=re.compile(r"^Utfärda version \d+$")).click()
    expect(page.get_by_text(re.compile(rf"{kind} version \d+ är utfärdad"))).to_be_visible()
    issued = page.get_by_role("row").filter(has_text=kind).first
    with page.expect_download() as download:
        issued.get_by_role("link", name="Hämta").click()
    with open(download.value.path(), "rb") as f:
        return pdf_text(f.read())
