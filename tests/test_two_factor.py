"""Two-factor login: a code from the app (TOTP) or a recovery code after the password, required
by an organisation's policy, throttled, and never asked of a login through SSO.

Codes are computed here from the device's key with django-otp's own TOTP at a pinned time: the
clock of django-otp's TOTP (the test's and the server's) is the fixture's.
"""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agreements.models import Membership, Party
from iop.two_factor import policy
from iop.two_factor.services import confirm_app, pending_app
from tests.agreements.test_access import url_for, url_patterns
from tests.factories import make_party, make_user, make_world, party_form_data

pytestmark = pytest.mark.django_db

PASSWORD = "pw-test-1234"
PINNED = 1_790_000_010  # 2026-09-21, ten seconds into a 30-second step
WRONG = "Koden stämmer inte"
THROTTLED = "För många felaktiga koder"
REMOVE_FORM = '<form method="post" novalidate>'


class Clock:
    """The time django-otp's TOTP reads, as a module with time() would give it."""

    def __init__(self):
        self.now = PINNED

    def time(self):
        return self.now

    def next_step(self):
        self.now += 30


class SSOBackend(ModelBackend):
    """Stands in for the organisations' identity provider: a backend of another name."""


@pytest.fixture(autouse=True)
def clock(monkeypatch, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clock = Clock()
    monkeypatch.setattr("django_otp.oath.time", clock.time)
    monkeypatch.setattr("django_otp.plugins.otp_totp.models.time", clock)
    return clock


def code_of(device):
    """The app's code for the device now, as the authenticator app computes it."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def member(party, role="administrator", username=None):
    return make_user(username, party=party, role=role)


def give_app(user, clock):
    """Set up the user's app through the service; the recovery codes."""
    device = pending_app(user)
    _device, codes = confirm_app(device=device, code=code_of(device))
    clock.next_step()  # a code is accepted once per step
    return codes


def app_of(user):
    return TOTPDevice.objects.get(user=user, confirmed=True)


def password_login(client, user, password=PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def verify(client, code, next_url=""):
    data = {"code": code} | ({"next": next_url} if next_url else {})
    return client.post(reverse("two_factor:verify"), data)


def requiring(party):
    party.require_two_factor = True
    party.save()
    return party


def goes_to(response, name):
    return response.status_code == 302 and response["Location"].startswith(reverse(name))


# --- A member of an organisation that requires two factors ---------------------------------


def test_without_an_app_every_page_sends_to_setup(client):
    world = make_world()
    requiring(world.a)
    client.force_login(world.users["admin"])  # a password backend (ModelBackend)
    urls = [
        url_for(name, pattern, world.own)
        for name, pattern in url_patterns()
        if name not in ("two_factor:setup", "two_factor:verify")
    ]
    urls += ["/admin/", reverse("password_change"), "/no-such-page/"]
    failures = []
    for method in ("get", "post"):
        for url in urls:
            response = getattr(client, method)(url)
            if not goes_to(response, "two_factor:setup"):
                failures.append(f"{method.upper()} {url}: {response.status_code}")
    assert failures == []
    # Where it came from is kept for after the setup.
    response = client.get(reverse("agreements:list"))
    assert response["Location"].endswith("?next=%2Foverenskommelser%2F")
    # What is left: the setup page, the code page that sends on to it, and leaving.
    assert client.get(reverse("two_factor:setup")).status_code == 200
    response = client.get(reverse("two_factor:verify"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor:setup"))
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_posted_form_is_not_carried_out_before_the_setup(client):
    world = make_world()
    requiring(world.a)
    client.force_login(world.users["admin"])
    url = reverse("agreements:party_edit", args=[world.a.pk])
    response = client.post(url, party_form_data(world.a, name="Ändrat namn"))
    assert goes_to(response, "two_factor:setup")
    world.a.refresh_from_db()
    assert world.a.name == "Region A"


def test_the_setup_shows_the_key_and_a_qr_code_and_a_code_from_the_app_confirms_it(client, clock):
    user = member(requiring(make_party("Region R", kind="region")))
    password_login(client, user)
    assert goes_to(client.get("/"), "two_factor:setup")

    page = client.get(reverse("two_factor:setup"), {"next": "/overenskommelser/"})
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    key = re.search(r'<code class="secret-key">([A-Z2-7 ]+)</code>', html).group(1)
    assert key.replace(" ", "") in device.config_url  # the same key as in the QR code
    assert re.search(r'<img class="qr-code" src="data:image/svg\+xml', html)
    assert "<script" not in html
    assert "kräver" in html  # why it is asked

    response = client.post(
        reverse("two_factor:setup"), {"code": code_of(device), "next": "/overenskommelser/"}
    )
    assert goes_to(response, "two_factor:codes")
    codes_page = client.get(response["Location"])
    shown = re.findall(r"<li><code>([a-z2-7 ]+)</code></li>", codes_page.content.decode())
    assert len(shown) == 10
    tokens = StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    assert sorted(code.replace(" ", "") for code in shown) == sorted(tokens)
    assert 'href="/overenskommelser/"' in codes_page.content.decode()
    # Shown once: the page now only counts them.
    again = client.get(reverse("two_factor:codes")).content.decode()
    assert not re.findall(r"<li><code>", again) and "10 oanvända reservkoder" in again
    # This session is verified: every page opens.
    assert client.get("/").status_code == 200
    assert app_of(user).confirmed


def test_a_repeated_confirmation_is_told_the_app_is_set_up(client, clock):
    user = member(make_party(kind="region"))
    client.force_login(user)
    client.get(reverse("two_factor:setup"))
    code = code_of(TOTPDevice.objects.get(user=user))
    first = client.post(reverse("two_factor:setup"), {"code": code})
    again = client.post(reverse("two_factor:setup"), {"code": code})
    assert goes_to(first, "two_factor:codes") and goes_to(again, "two_factor:overview")
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert StaticToken.objects.filter(device__user=user).count() == 10


def test_an_app_set_up_in_another_session_is_asked_for_not_set_up_again(client, clock):
    user = member(requiring(make_party(kind="region")))
    client.force_login(user)
    assert goes_to(client.get("/"), "two_factor:setup")
    give_app(user, clock)  # on another device, before this session's step is read again
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor:verify"))
    assert goes_to(client.get("/"), "two_factor:verify")


def test_a_wrong_setup_code_confirms_nothing(client):
    user = member(requiring(make_party(kind="region")))
    client.force_login(user)
    client.get(reverse("two_factor:setup"))
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("two_factor:setup"), {"code": wrong})
    assert response.status_code == 200 and WRONG in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed and device.throttling_failure_count == 1
    assert goes_to(client.get("/"), "two_factor:setup")


def test_with_an_app_a_password_login_asks_for_a_code_before_any_page(client, clock):
    user = member(make_party(kind="region"))  # an app of one's own, no policy
    give_app(user, clock)
    response = password_login(client, user)
    assert response.status_code == 302
    response = client.get(reverse("agreements:list"))
    assert goes_to(response, "two_factor:verify")
    assert goes_to(client.get(reverse("two_factor:overview")), "two_factor:verify")
    assert goes_to(client.get(reverse("two_factor:setup")), "two_factor:verify")

    response = verify(client, code_of(app_of(user)), next_url="/overenskommelser/")
    assert response.status_code == 302 and response["Location"] == "/overenskommelser/"
    assert client.get(reverse("agreements:list")).status_code == 200


def test_a_wrong_code_is_refused_and_the_next_waits_for_the_throttle(client, clock):
    user = member(requiring(make_party(kind="region")))
    give_app(user, clock)
    password_login(client, user)
    device = app_of(user)
    right = code_of(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = verify(client, wrong)
    assert response.status_code == 200 and WRONG in response.content.decode()
    # Within the throttle even the right code is refused, and not counted.
    response = verify(client, right)
    assert THROTTLED in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert goes_to(client.get("/"), "two_factor:verify")

    # The delay doubles with each wrong code in a row (django-otp: 1, 2, 4 … seconds).
    for failures in (2, 3):
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_timestamp=device.throttling_failure_timestamp
            - timedelta(seconds=2 ** (failures - 2))
        )
        assert WRONG in verify(client, wrong).content.decode()
        device.refresh_from_db()
        assert device.throttling_failure_count == failures
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - timedelta(seconds=3)
    )
    assert THROTTLED in verify(client, right).content.decode()  # 4 seconds after the third
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - timedelta(seconds=5)
    )
    assert verify(client, right).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert client.get("/").status_code == 200


def test_a_code_is_accepted_once(client, clock):
    user = member(make_party(kind="region"))
    give_app(user, clock)
    code = code_of(app_of(user))
    password_login(client, user)
    assert verify(client, code).status_code == 302
    client.post(reverse("logout"))
    password_login(client, user)
    assert WRONG in verify(client, code).content.decode()


def test_a_recovery_code_works_once(client, clock):
    user = member(requiring(make_party(kind="region")))
    codes = give_app(user, clock)
    password_login(client, user)
    typed = f" {codes[3][:4].upper()}-{codes[3][4:]} "  # as a person may type it
    response = verify(client, typed)
    assert response.status_code == 302
    messages = client.get("/").content.decode()
    assert "Du loggade in med en reservkod. Du har 9 kvar." in messages
    assert not StaticToken.objects.filter(token=codes[3]).exists()

    client.post(reverse("logout"))
    password_login(client, user)
    response = verify(client, codes[3])
    assert WRONG in response.content.decode()
    assert goes_to(client.get("/"), "two_factor:verify")


def test_new_recovery_codes_replace_the_old_after_a_confirmation_page(client, clock):
    user = member(make_party(kind="region"))
    old = give_app(user, clock)
    client.force_login(user)
    verify(client, code_of(app_of(user)))
    page = client.get(reverse("two_factor:regenerate")).content.decode()
    assert "De gamla slutar fungera" in page
    response = client.post(reverse("two_factor:regenerate"))
    assert goes_to(response, "two_factor:codes")
    new = re.findall(
        r"<li><code>([a-z2-7 ]+)</code></li>", client.get(response["Location"]).content.decode()
    )
    assert len(new) == 10
    tokens = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert tokens == {code.replace(" ", "") for code in new}
    assert tokens.isdisjoint(old)


# --- Who is asked ----------------------------------------------------------------------------


def test_a_member_of_an_organisation_without_the_policy_logs_in_with_the_password_only(client):
    world = make_world()
    requiring(world.a)  # a partner's policy binds only its own members
    user = make_user(party=world.b, role="coordinator")
    response = password_login(client, user)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get(reverse("agreements:party", args=[world.b.pk])).status_code == 200


def test_an_sso_login_is_not_asked_for_a_code(client, clock, settings):
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, f"{__name__}.SSOBackend"]
    user = member(requiring(make_party(kind="region")))
    give_app(user, clock)
    client.force_login(user, backend=f"{__name__}.SSOBackend")
    assert client.get("/").status_code == 200
    assert client.get(reverse("agreements:list")).status_code == 200
    # The same user by password: the code first.
    other = type(client)()
    password_login(other, user)
    assert goes_to(other.get("/"), "two_factor:verify")


def test_only_password_backends_count_as_password_logins(rf):
    request = rf.get("/")
    for backend, expected in [
        ("django.contrib.auth.backends.ModelBackend", True),
        ("iop.security.ThrottlingBackend", True),
        ("axes.backends.AxesBackend", True),
        (f"{__name__}.SSOBackend", False),
    ]:
        request.session = {"_auth_user_backend": backend}
        assert policy.is_password_login(request) is expected, backend


def test_a_policy_turned_on_reaches_an_open_session_within_minutes(client, monkeypatch):
    party = make_party(kind="region")
    user = member(party, role="secretary")
    client.force_login(user)
    assert client.get("/").status_code == 200
    requiring(party)
    assert client.get("/").status_code == 200  # read at login, kept a few minutes
    later = policy.time.time() + policy.RECHECK_SECONDS + 1
    monkeypatch.setattr(policy, "time", type("Later", (), {"time": staticmethod(lambda: later)}))
    assert goes_to(client.get("/"), "two_factor:setup")


def test_an_ordinary_page_reads_nothing_of_two_factor(client):
    world = make_world()
    client.force_login(world.users["admin"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("agreements:list")).status_code == 200
    for query in queries.captured_queries:
        assert '"otp_' not in query["sql"]
        assert "require_two_factor" not in query["sql"].partition("WHERE")[2]


def test_the_demo_and_the_test_organisations_do_not_require_two_factors(demo):
    make_world()
    assert Party.objects.exists()
    assert not Party.objects.filter(require_two_factor=True).exists()


# --- Removing, replacing ----------------------------------------------------------------------


def test_the_app_cannot_be_removed_where_the_organisation_requires_it(client, clock):
    user = member(requiring(make_party("Region R", kind="region")))
    give_app(user, clock)
    password_login(client, user)
    verify(client, code_of(app_of(user)))
    page = client.get(reverse("two_factor:remove")).content.decode()
    assert "Region R kräver tvåstegsverifiering" in page and REMOVE_FORM not in page
    assert (
        "Ta bort tvåstegsverifiering"
        not in client.get(reverse("two_factor:overview")).content.decode()
    )
    assert client.post(reverse("two_factor:remove")).status_code == 403
    assert TOTPDevice.objects.filter(user=user).exists()


def test_without_the_policy_the_app_can_be_removed_after_a_confirmation_page(client, clock):
    user = member(make_party(kind="region"))
    give_app(user, clock)
    password_login(client, user)
    verify(client, code_of(app_of(user)))
    assert REMOVE_FORM in client.get(reverse("two_factor:remove")).content.decode()
    assert goes_to(client.post(reverse("two_factor:remove")), "two_factor:overview")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    client.post(reverse("logout"))
    password_login(client, user)
    assert client.get("/").status_code == 200


def test_a_new_app_replaces_the_old_one(client, clock):
    user = member(requiring(make_party(kind="region")))
    give_app(user, clock)
    old = app_of(user)
    password_login(client, user)
    verify(client, code_of(old))
    clock.next_step()
    client.get(reverse("two_factor:setup"))
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    assert goes_to(
        client.post(reverse("two_factor:setup"), {"code": code_of(new)}), "two_factor:codes"
    )
    assert list(TOTPDevice.objects.filter(user=user)) == [new]
    assert new.key != old.key


def test_a_password_alone_cannot_replace_or_remove_the_app(client, clock):
    user = member(make_party(kind="region"))
    give_app(user, clock)
    password_login(client, user)
    for name in ("two_factor:setup", "two_factor:remove", "two_factor:regenerate"):
        assert goes_to(client.get(reverse(name)), "two_factor:verify"), name
        assert goes_to(client.post(reverse(name), {"code": "123456"}), "two_factor:verify"), name
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_verify_never_redirects_off_site(client, clock):
    user = member(make_party(kind="region"))
    give_app(user, clock)
    password_login(client, user)
    response = verify(client, code_of(app_of(user)), next_url="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_admin_never_shows_a_users_key_or_recovery_codes(client, clock, superuser):
    user = member(make_party(kind="region"))
    codes = give_app(user, clock)
    client.force_login(superuser)
    device = app_of(user)
    for url in (
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:otp_static_staticdevice_changelist"),
        reverse(
            "admin:otp_static_staticdevice_change", args=[device.user.staticdevice_set.get().pk]
        ),
    ):
        page = client.get(url).content.decode()
        assert device.key not in page and b32(device) not in page, url
        assert not any(code in page for code in codes), url
    assert (
        client.post(
            reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
        ).status_code
        == 302
    )
    assert not TOTPDevice.objects.filter(user=user).exists()


def b32(device):
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


# --- Login throttling still counts passwords --------------------------------------------------


def test_failed_passwords_still_lock_out_a_user_with_an_app(client, clock, settings):
    user = member(make_party(kind="region"))
    give_app(user, clock)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_login(client, user, password="wrong-password")
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == (
        settings.AXES_FAILURE_LIMIT
    )
    response = password_login(client, user)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# --- The policy, on the organisation's page ---------------------------------------------------


def test_an_organisations_administrators_set_the_policy_on_its_page(client):
    world = make_world()
    admin = world.users["admin"]
    client.force_login(admin)
    url = reverse("agreements:party_edit", args=[world.a.pk])
    assert 'name="require_two_factor"' in client.get(url).content.decode()
    response = client.post(url, party_form_data(world.a, require_two_factor="on"))
    assert response.status_code == 302
    world.a.refresh_from_db()
    assert world.a.require_two_factor
    # The administrator is the first to set up the app.
    assert goes_to(client.get("/"), "two_factor:setup")


def test_coordinators_and_partners_do_not_set_the_policy(client):
    world = make_world()
    coordinator = world.users["coordinator"]
    client.force_login(coordinator)
    url = reverse("agreements:party_edit", args=[world.b.pk])
    assert "require_two_factor" not in client.get(url).content.decode()
    response = client.post(url, party_form_data(world.b, require_two_factor="on"))
    assert response.status_code == 302
    world.b.refresh_from_db()
    assert not world.b.require_two_factor
    # The region's administrator shares an agreement with B but may not change its record.
    client.force_login(world.users["admin"])
    assert client.get(url).status_code == 403
    assert Membership.objects.filter(party=world.b, role="administrator").count() == 0
