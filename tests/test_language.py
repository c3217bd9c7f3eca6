"""The interface is Swedish by default and English when the user chooses it."""

import pytest
from django.urls import reverse

from agreements.models import Decision

pytestmark = pytest.mark.django_db


def test_swedish_by_default_even_for_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "sv"
    assert "Logga in" in response.content.decode()


def test_english_when_the_user_chooses_it(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/konto/login/"})
    assert response.status_code == 302
    response = client.get(reverse("login"))
    assert response.headers["Content-Language"] == "en"
    assert "Log in" in response.content.decode()


def test_unknown_language_cookie_falls_back_to_swedish(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    response = client.get(reverse("login"))
    assert response.headers["Content-Language"] == "sv"


def test_a_documents_gaps_speak_the_readers_language_while_the_document_stays_swedish(
    client, demo, django_user_model
):
    """The printed documents are Swedish whatever the reader chooses; the list of what they
    lack is part of the app and follows the reader's language."""
    proposal = Decision.objects.get(organisation__name="Region Västerbotten")
    client.force_login(django_user_model.objects.get(username="region.vasterbotten"))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    agreement = proposal.agreements.get()
    tasks = client.get(reverse("agreements:tasks", args=[agreement.pk])).content.decode()
    assert "Region Västerbotten: Case number missing" in tasks
    assert "Diarienummer saknas" not in tasks

    preview = client.get(reverse("documents:proposal_preview", args=[proposal.pk]))
    warnings, document = (
        preview.content.decode().split('class="document-warnings"')[1].split("</div>", 1)
    )
    assert "Case number missing" in warnings
    assert "[Diarienummer saknas]" in document
