"""Who may preview, print, issue, list and download: allowed, outsider 404, wrong role 403."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from agreements.models import DocumentKind, IssuedDocument, Role
from agreements.services.documents import issue_document
from tests.factories import make_party, make_user
from tests.forms_html import fresh_token, posted_form

from .helpers import (
    skane_agreement,
    skane_proposal,
    vasterbotten_agreement,
    vasterbotten_decision,
)

pytestmark = pytest.mark.django_db


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def outsider(db):
    return make_user("outsider", party=make_party("Annan förening"), role=Role.ADMINISTRATOR)


@pytest.fixture
def issued(demo):
    return issue_document(
        agreement=vasterbotten_agreement(),
        kind=DocumentKind.AGREEMENT,
        by=get_user_model().objects.get(username="region.vasterbotten"),
    )


def urls():
    a, d = vasterbotten_agreement().pk, vasterbotten_decision().pk
    return {
        "agreement_preview": reverse("documents:agreement_preview", args=[a]),
        "agreement_pdf": reverse("documents:agreement_pdf", args=[a]),
        "versions": reverse("documents:versions", args=[a]),
        "proposal_preview": reverse("documents:proposal_preview", args=[d]),
        "proposal_pdf": reverse("documents:proposal_pdf", args=[d]),
    }


@pytest.mark.parametrize(
    "name",
    ["agreement_preview", "agreement_pdf", "versions", "proposal_preview", "proposal_pdf"],
)
@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("region.vasterbotten", 200),  # administrator of a party
        ("rodakorset", 200),  # coordinator of the other party
        ("region.skane", 404),  # another organisation's agreement
        ("outsider", 404),
        ("admin", 200),  # superuser
    ],
)
def test_read_matrix(demo, outsider, client, name, username, status):
    response = login(client, username).get(urls()[name])
    assert response.status_code == status


def test_anonymous_is_sent_to_login(demo, client):
    response = client.get(urls()["agreement_preview"])
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_preview_shows_the_document_and_its_warnings(demo, client):
    login(client, "region.vasterbotten")
    page = client.get(urls()["agreement_preview"]).content.decode()
    assert "Vid uppsägning gäller nio månaders uppsägningstid." in page
    assert "Utfärda ny version" in page
    assert "document-warnings" not in page
    page = client.get(urls()["proposal_preview"]).content.decode()
    assert "document-warnings" in page
    assert '<span class="placeholder">[Handläggare saknas]</span>' in page
    assert "<li>Handläggare saknas</li>" in page
    assert " style=" not in page and "<script" not in page


def test_pdf_views_answer_pdf(demo, client):
    login(client, "rodakorset")
    response = client.get(urls()["agreement_pdf"])
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("region.vasterbotten", 302),  # administrator of a party
        ("admin", 302),
        ("rodakorset", 403),  # coordinator may not issue
        ("region.skane", 404),
        ("outsider", 404),
    ],
)
def test_issue_agreement_matrix(demo, outsider, client, username, status):
    url = reverse("documents:issue", args=["overenskommelse", vasterbotten_agreement().pk])
    response = login(client, username).post(url, fresh_token())
    assert response.status_code == status
    assert IssuedDocument.objects.exists() == (status == 302)
    if status == 302:
        assert response["Location"] == urls()["versions"]


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("sekreterare.skane", 302),  # secretary of the deciding organisation
        ("region.skane", 302),  # administrator of the deciding organisation
        ("rodakorset", 403),  # sees the decision through the agreement, does not decide
        ("region.vasterbotten", 404),
        ("outsider", 404),
    ],
)
def test_issue_proposal_matrix(demo, outsider, client, username, status):
    url = reverse("documents:issue", args=["beslut", skane_proposal().pk])
    response = login(client, username).post(url, fresh_token())
    assert response.status_code == status
    issued = IssuedDocument.objects.filter(kind=DocumentKind.PROPOSAL)
    assert issued.filter(agreement=skane_agreement()).exists() == (status == 302)


def test_the_same_issue_form_sent_twice_issues_one_version(demo, client):
    login(client, "region.vasterbotten")
    agreement = vasterbotten_agreement()
    url = reverse("documents:issue", args=["overenskommelse", agreement.pk])
    form = posted_form(client.get(url), url)

    first, again = client.post(url, form), client.post(url, form)

    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"] == urls()["versions"]
    assert IssuedDocument.objects.filter(agreement=agreement).count() == 1
    # The page loaded anew is a new form: issuing from it makes the next version.
    client.post(url, posted_form(client.get(url), url))
    versions = IssuedDocument.objects.filter(agreement=agreement).values_list("version", flat=True)
    assert sorted(versions) == [1, 2]


def test_issue_refused_with_missing_data_shows_a_message(demo, client):
    login(client, "region.vasterbotten")
    url = reverse("documents:issue", args=["beslut", vasterbotten_decision().pk])
    response = client.post(url, fresh_token(), follow=True)
    assert response.status_code == 200
    assert "kan inte utfärdas" in response.content.decode()
    assert not IssuedDocument.objects.exists()


def test_issuing_is_confirmed_on_a_page_that_says_what_happens(demo, client):
    login(client, "region.vasterbotten")
    pk = vasterbotten_agreement().pk
    preview = client.get(urls()["agreement_preview"]).content.decode()
    url = reverse("documents:issue", args=["overenskommelse", pk])
    assert f'href="{url}"' in preview  # a link to the page, no button that issues
    page = client.get(url).content.decode()
    assert not IssuedDocument.objects.exists()  # looking issues nothing
    assert "version 1" in page and "kan inte ändras eller tas bort" in page
    assert "button--warning" in page
    assert client.put(url).status_code == 405
    assert client.post(reverse("documents:issue", args=["annat", pk])).status_code == 404


def test_a_document_with_missing_data_is_explained_not_offered(demo, client):
    login(client, "region.vasterbotten")
    url = reverse("documents:issue", args=["beslut", vasterbotten_decision().pk])
    assert f'href="{url}"' not in client.get(urls()["proposal_preview"]).content.decode()
    page = client.get(url).content.decode()
    assert "Handläggare saknas" in page and '<form method="post" novalidate>' not in page


@pytest.mark.parametrize("name", ["agreement_preview", "agreement_pdf", "versions"])
def test_read_views_answer_405_to_post(demo, client, name):
    login(client, "region.vasterbotten")
    assert client.post(urls()[name]).status_code == 405


def test_versions_list_every_issued_version(demo, issued, client):
    issue_document(
        agreement=vasterbotten_agreement(),
        kind=DocumentKind.AGREEMENT,
        by=get_user_model().objects.get(username="admin"),
    )
    page = login(client, "rodakorset").get(urls()["versions"]).content.decode()
    for document in IssuedDocument.objects.all():
        assert reverse("documents:download", args=[document.pk]) in page
        assert document.sha256[:16] in page
    assert page.count("<tr>") == 3  # header and two versions


@pytest.mark.parametrize(
    ("username", "status"),
    [("rodakorset", 200), ("admin", 200), ("region.skane", 404), ("outsider", 404)],
)
def test_download_matrix(issued, outsider, client, username, status):
    response = login(client, username).get(reverse("documents:download", args=[issued.pk]))
    assert response.status_code == status
    if status == 200:
        assert response.content == bytes(issued.pdf)


def test_download_answers_405_to_post(issued, client):
    login(client, "rodakorset")
    assert client.post(reverse("documents:download", args=[issued.pk])).status_code == 405
