"""Security headers, login and reset throttling, caching, no open redirect, sessions, passwords."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from agreements.models import CalendarFeed
from tests.factories import make_user, make_world

PASSWORD = "pw-test-1234"
EVIL_TARGETS = [
    "https://evil.example/",
    "//evil.example/",
    "https:evil.example",
    "/\\evil.example",
    "http://testserver@evil.example/",
]


def has_template(name):
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def login_urls():
    """The admin's login, and the app's once the browser app has its login page."""
    urls = ["/admin/login/"]
    if has_template("registration/login.html"):
        urls.append("/konto/login/")
    return urls


def assert_stays_on_site(response):
    location = urlsplit(response["Location"])
    assert not location.scheme and not location.netloc, response["Location"]
    assert location.path.startswith("/") and not location.path.startswith("//")
    assert "evil" not in response["Location"]


def csp_directives(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_hardened(response):
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/login/", "/konto/login/", "/healthz"])
def test_pages_carry_csp_and_security_headers(client, url):
    if url == "/konto/login/" and not has_template("registration/login.html"):
        pytest.skip("the browser app's login template is not there yet")
    response = client.get(url)
    assert response.status_code == 200
    assert_hardened(response)


@pytest.mark.django_db
def test_admin_pages_need_no_inline_script_style_or_handlers(client, superuser):
    """A strict CSP blocks inline code: the admin pages the team uses must carry none."""
    client.force_login(superuser)
    for url in [
        "/admin/",
        "/admin/agreements/agreement/",
        "/admin/agreements/agreement/add/",
        "/admin/agreements/decision/add/",
        "/admin/funding/fundingline/add/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_hardened(response)
        html = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            # Data islands (json_script, data-* constants) are not executed.
            assert "src=" in tag or "application/json" in tag, (url, tag)
        assert not re.search(r"<style\b", html), url
        assert not re.search(r"\sstyle=\"", html), url
        assert not re.search(r"\son[a-z]+=\"", html), url


def failed_login(client, username, url="/admin/login/"):
    return client.post(url, {"username": username, "password": "wrong-password"})


@pytest.mark.django_db
def test_repeated_failed_logins_lock_out_with_a_swedish_message(client, settings):
    user = make_user("kim", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = failed_login(client, "kim")
        assert response.status_code == 200  # the form again, with its error
    response = failed_login(client, "kim")
    assert response.status_code == 429
    text = response.content.decode()
    assert "För många inloggningsförsök" in text
    assert "Försök igen om 15 minuter" in text
    assert_hardened(response)

    # Locked out: even the right password is refused, on both login pages.
    for url in login_urls():
        response = client.post(url, {"username": "kim", "password": PASSWORD})
        assert response.status_code == 429, url
        assert "_auth_user_id" not in client.session
    assert user.pk  # the account itself is untouched


@pytest.mark.django_db
def test_lockout_is_per_user_name_and_lapses_after_the_cooloff(client, settings):
    make_user("kim", is_staff=True)
    make_user("alex", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        failed_login(client, "kim")
    # A colleague behind the same address can still log in.
    response = client.post("/admin/login/", {"username": "alex", "password": PASSWORD})
    assert response.status_code == 302
    client.logout()

    # Once the cool-off has passed, kim may try again.
    AccessAttempt.objects.filter(username="kim").update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    response = client.post("/admin/login/", {"username": "kim", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_lockout_limit_follows_the_setting(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    make_user("kim", is_staff=True)
    assert failed_login(client, "kim").status_code == 200
    assert failed_login(client, "kim").status_code == 429


@pytest.fixture
def fast_hashing(settings):
    """Each failed login still hashes once (Django's timing defence): keep many of them quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def app_login(client, username, password="wrong-password", **meta):
    return client.post("/konto/login/", {"username": username, "password": password}, **meta)


@pytest.mark.django_db
def test_many_user_names_from_one_address_lock_that_address_out(client, settings, fast_hashing):
    """Password spraying: one try per name stays under the per-name limit, not under this."""
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    make_user("kim")
    for i in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        assert app_login(client, f"guess{i}").status_code == 200
    response = app_login(client, "guess-last")
    assert response.status_code == 429
    assert "För många inloggningsförsök" in response.content.decode()

    # Every name is locked out from that address, even with the right password.
    assert app_login(client, "kim", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # The same user from another address is not.
    assert app_login(client, "kim", PASSWORD, REMOTE_ADDR="192.0.2.7").status_code == 302


@pytest.mark.django_db
def test_an_own_account_does_not_reset_the_address_count(client, settings, fast_hashing):
    """A sprayer who holds one account cannot clear the count by logging in with it."""
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    make_user("mallory")
    for i in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        app_login(client, f"guess{i}")
    assert app_login(client, "mallory", PASSWORD).status_code == 302
    client.logout()
    assert app_login(client, "guess-next").status_code == 429


@pytest.mark.django_db
def test_a_few_typos_in_one_office_lock_out_no_colleague(client, settings, fast_hashing):
    """Below the address limit, only the name that failed is locked out (shared NAT)."""
    assert settings.AXES_ADDRESS_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT
    make_user("alex")
    for name in ("kim", "robin"):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert app_login(client, name).status_code == 200
    assert app_login(client, "alex", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_behind_the_proxy_the_lockout_follows_the_address_it_sets(client, settings, fast_hashing):
    """The safe set-up (docs/deploy.md): the proxy overwrites X-Real-IP with the client's
    address and CLIENT_IP_HEADER names it. Failures from one client do not lock the same
    user out from another, and a sprayer locks out only its own address."""
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    make_user("kim")
    attacker = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "203.0.113.9"}
    victim = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "198.51.100.4"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        app_login(client, "kim", **attacker)
    for i in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        app_login(client, f"guess{i}", **attacker)
    assert app_login(client, "kim", PASSWORD, **attacker).status_code == 429
    assert app_login(client, "kim", PASSWORD, **victim).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["not-an-address", "203.0.113.9:4711", "'; DROP TABLE x"])
def test_a_client_address_header_that_is_no_address_counts_as_the_peer(client, settings, value):
    """A proxy that overwrites the header never sends this; the attempt is recorded against
    the peer's address, never a 500 (PostgreSQL types the column as an address)."""
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    response = app_login(client, "kim", REMOTE_ADDR="192.0.2.1", HTTP_X_REAL_IP=value)
    assert response.status_code == 200
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["192.0.2.1"]


@pytest.mark.django_db
@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_login_never_redirects_off_site(client, target):
    make_user("kim", is_staff=True)
    response = client.post(
        "/konto/login/", {"username": "kim", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"

    client.logout()
    response = client.post(
        "/admin/login/", {"username": "kim", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert_stays_on_site(response)


@pytest.mark.django_db
def test_login_follows_a_local_next(client):
    make_user("kim")
    response = client.post(
        "/konto/login/", {"username": "kim", "password": PASSWORD, "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"


@pytest.mark.django_db
def test_session_expires_after_the_configured_age(client, settings):
    make_user("kim")
    client.post("/konto/login/", {"username": "kim", "password": PASSWORD})
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert client.session.get_expire_at_browser_close()
    assert settings.SESSION_COOKIE_HTTPONLY


@pytest.mark.parametrize("password", ["12345678", "password", "abc", "kim-kimsson"])
def test_weak_passwords_are_refused(password, django_user_model):
    user = django_user_model(username="kim-kimsson", first_name="Kim")
    with pytest.raises(ValidationError):
        validate_password(password, user)


RESET = "/konto/password_reset/"
# The form token is masked afresh on every page: not part of the answer.
CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def request_reset(client, email, address="192.0.2.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_the_reset_page_limits_requests_for_one_e_mail_address(client, settings, mailoutbox):
    make_user("kim", email="kim@example.se")
    limit = settings.PASSWORD_RESET_EMAIL_LIMIT
    for i in range(limit):
        response = request_reset(client, "kim@example.se", address=f"192.0.2.{i + 1}")
        assert response.status_code == 302
    assert len(mailoutbox) == limit
    # More, from yet another address and written otherwise, is refused: no more mail.
    response = request_reset(client, " KIM@example.se", address="198.51.100.1")
    assert response.status_code == 429
    text = response.content.decode()
    assert "För många förfrågningar om nytt lösenord" in text
    assert "Försök igen om 60 minuter" in text
    assert_hardened(response)
    assert len(mailoutbox) == limit


@pytest.mark.django_db
def test_the_reset_page_limits_requests_from_one_client_address(client, settings, mailoutbox):
    limit = settings.PASSWORD_RESET_ADDRESS_LIMIT
    for i in range(limit):
        assert request_reset(client, f"guess{i}@example.se").status_code == 302
    assert request_reset(client, "guess-last@example.se").status_code == 429
    # Another client is not held back.
    assert request_reset(client, "someone@example.se", address="198.51.100.1").status_code == 302


@pytest.mark.django_db
def test_the_reset_page_answers_alike_whether_the_address_exists(client, settings):
    """Limited or not, the answers for a user's address and an unknown one are the same."""
    make_user("kim", email="kim@example.se")
    answers = {}
    for email, address in (("kim@example.se", "192.0.2.1"), ("nobody@example.se", "192.0.2.2")):
        answers[email] = [
            (r.status_code, r.get("Location"), CSRF_VALUE.sub("", r.content.decode()))
            for r in (
                request_reset(client, email, address)
                for _ in range(settings.PASSWORD_RESET_EMAIL_LIMIT + 1)
            )
        ]
    assert answers["kim@example.se"] == answers["nobody@example.se"]
    assert [status for status, _, _ in answers["kim@example.se"]][-2:] == [302, 429]


def is_private(response):
    directives = response.get("Cache-Control", "").split(",")
    return {"private", "no-store"} <= {d.strip().split("=")[0] for d in directives}


@pytest.mark.django_db
def test_the_calendar_feed_by_its_token_is_not_stored(client):
    """Opened without login, it still lists one user's deadlines (the app's URLs for signed-in
    users are checked in tests/agreements/test_access.py)."""
    world = make_world()
    feed = CalendarFeed.objects.create(user=world.users["admin"], token="t" * 43)
    response = client.get(reverse("feeds:calendar", args=[feed.token]))
    assert response.status_code == 200
    assert is_private(response), response.get("Cache-Control")


@pytest.mark.django_db
def test_admin_and_account_pages_of_a_signed_in_user_are_not_stored(client, superuser):
    client.force_login(superuser)
    for url in ["/admin/", "/admin/agreements/agreement/", "/konto/password_change/", "/healthz"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert is_private(response), (url, response.get("Cache-Control"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["funding:public_json", "funding:public_csv"])
def test_the_anonymous_open_data_stays_cacheable(client, name):
    """Published for anyone: a shared cache may keep it."""
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "private" not in response.get("Cache-Control", "")
