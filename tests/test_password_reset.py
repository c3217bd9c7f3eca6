"""Password reset by e-mail with Django's own views, in Swedish on the site's pages."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_reset_by_e_mail_in_swedish_end_to_end(client, mailoutbox):
    user = get_user_model().objects.create_user("kim", "kim@example.se", "gammalt-lösen-42")
    login = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login

    page = client.get(reverse("password_reset"))
    assert "Nytt lösenord" in page.content.decode() and "skip-link" in page.content.decode()
    response = client.post(reverse("password_reset"), {"email": "kim@example.se"}, follow=True)
    assert "Kontrollera din e-post" in response.content.decode()

    mail = mailoutbox[0]
    assert mail.subject == "Nytt lösenord till IOP"
    assert "Ditt användarnamn är kim." in mail.body
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.body).group(1)
    confirm = client.get(link, follow=True)
    assert "Välj ett nytt lösenord" in confirm.content.decode()
    url = confirm.redirect_chain[-1][0]
    done = client.post(
        url, {"new_password1": "nytt-lösen-4711", "new_password2": "nytt-lösen-4711"}, follow=True
    )
    assert "Lösenordet är bytt" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password("nytt-lösen-4711")
    # The link is used up.
    assert "Länken går inte att använda" in client.get(link, follow=True).content.decode()
