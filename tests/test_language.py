"""The interface is Swedish by default and English when the user chooses it."""

import pytest
from django.urls import reverse

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
