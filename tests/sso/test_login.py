"""Single sign-on through a real OpenID Connect provider (tests/sso/conftest.py): the
authorization-code flow with PKCE, state and nonce, and what is refused."""

from urllib.parse import parse_qs, urljoin, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.test import Client
from mozilla_django_oidc.utils import generate_code_challenge

from agreements.models import Membership, Party, PartyKind
from iop.sso.backend import (
    SSO_BACKEND,
    SSO_LOGOUT_SESSION_KEYS,
    SSO_PROVIDER_SESSION_KEY,
    OidcBackend,
    logged_in_with_sso,
)
from iop.sso.views import MAX_STATES, STATES_SESSION_KEY
from tests.test_security import csp_directives

from .conftest import (
    APP,
    CLIENT_ID,
    REGION_NUMBER,
    at_provider,
    make_provider,
    sso_login,
    start_login,
)

pytestmark = pytest.mark.django_db

NOT_CHECKED = "kunde inte kontrolleras, så du är inte inloggad"


@pytest.fixture
def region():
    return Party.objects.create(name="Region A", kind=PartyKind.REGION, org_number=REGION_NUMBER)


@pytest.fixture
def anna(region):
    return make_user("anna", "anna.andersson@region-a.se", region)


def make_user(username, email, party, role="administrator"):
    user = get_user_model().objects.create(username=username, email=email)
    if party is not None:
        Membership.objects.create(user=user, party=party, role=role)
    return user


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def refusal(client, response):
    """The login page the refused login lands on, as text."""
    assert response.status_code == 302 and response["Location"] == "/konto/login/"
    assert logged_in_user_id(client) is None
    return client.get(response["Location"]).content.decode()


@pytest.fixture
def tamper(monkeypatch):
    """Change the ID token of the provider's token response before the app checks it."""

    def install(change):
        original = OidcBackend.get_token

        def get_token(self, payload):
            answer = original(self, payload)
            answer["id_token"] = change(answer["id_token"])
            return answer

        monkeypatch.setattr(OidcBackend, "get_token", get_token)

    return install


def resigned(key, **changes):
    """A change that re-signs the ID token with key after changing its claims."""

    def change(token):
        claims = jwt.decode(token, options={"verify_signature": False})
        claims.update(changes)
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "test-key"})

    return change


def test_the_login_page_offers_each_provider_beside_the_password_form(client, provider):
    page = client.get("/konto/login/").content.decode()
    assert 'name="password"' in page
    assert 'href="/konto/sso/test/"' in page
    assert "Logga in med Region A:s inloggning" in page


def test_a_user_with_the_verified_address_is_logged_in(client, provider, anna):
    response = sso_login(client, "anna")  # the provider says Anna.Andersson@…: any case
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in_user_id(client) == str(anna.pk)
    assert client.session[BACKEND_SESSION_KEY] == SSO_BACKEND
    assert client.session[SSO_PROVIDER_SESSION_KEY] == "test"
    assert logged_in_with_sso(client.session)
    assert client.get("/").status_code == 200


def test_a_password_login_is_not_taken_for_single_sign_on(client, provider, anna):
    anna.set_password("ett långt lösenord 123")
    anna.save()
    response = client.post(
        "/konto/login/", {"username": "anna", "password": "ett långt lösenord 123"}
    )
    assert response.status_code == 302 and logged_in_user_id(client) == str(anna.pk)
    assert not logged_in_with_sso(client.session)


def test_the_flow_sends_a_pkce_challenge_state_and_nonce(client, provider, anna):
    query = parse_qs(urlsplit(start_login(client)).query)
    (state,) = query["state"]
    started = client.session[STATES_SESSION_KEY][state]
    assert query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"] == [generate_code_challenge(started["code_verifier"], "S256")]
    assert query["nonce"] == [started["nonce"]]
    assert query["redirect_uri"] == [f"{APP}/konto/sso/test/retur/"]


def test_a_wrong_pkce_verifier_is_refused_by_the_provider(client, provider, anna):
    authorize = start_login(client)
    returned = at_provider(authorize, "anna")
    session = client.session
    (state,) = parse_qs(urlsplit(authorize).query)["state"]
    session[STATES_SESSION_KEY][state]["code_verifier"] = "x" * 64
    session.save()
    assert NOT_CHECKED in refusal(client, client.get(returned.removeprefix(APP)))


def test_the_page_to_return_to_is_kept_when_it_is_on_this_site(client, provider, anna):
    response = sso_login(client, "anna", next_url="/overenskommelser/")
    assert response["Location"] == "/overenskommelser/"
    other = Client()
    response = sso_login(other, "anna", next_url="https://elsewhere.example/")
    assert response["Location"] == "/"


def test_a_stranger_is_refused_and_no_account_is_made(client, provider, anna):
    users = get_user_model().objects.count()
    page = refusal(client, sso_login(client, "stranger"))
    assert "Det finns inget konto i IOP för okand@region-a.se" in page
    assert get_user_model().objects.count() == users


def test_an_address_the_provider_has_not_verified_is_refused(client, provider, anna):
    page = refusal(client, sso_login(client, "unverified"))
    assert "har inte bekräftat din e-postadress" in page


def test_a_user_with_roles_in_another_organisation_is_refused(client, provider, anna):
    other = Party.objects.create(
        name="Kommun C", kind=PartyKind.MUNICIPALITY, org_number="212000-1355"
    )
    Membership.objects.create(user=anna, party=other, role="administrator")
    page = refusal(client, sso_login(client, "anna"))
    assert "roller i organisationer som inte loggar in via Region A:s inloggning" in page


def test_a_superuser_is_not_logged_in_by_a_provider(client, provider, anna):
    anna.is_superuser = True
    anna.save()
    refusal(client, sso_login(client, "anna"))


def test_roles_follow_the_group_claim_in_a_mapped_organisation(
    client, settings, oidc_server, region
):
    settings.OIDC_PROVIDERS = (
        make_provider(
            oidc_server.issuer,
            group_roles={REGION_NUMBER: {"iop-administratorer": "administrator"}},
        ),
    )
    berit = make_user("berit", "berit@region-a.se", region, role="secretary")
    assert sso_login(client, "admin-group")["Location"] == "/"
    assert logged_in_user_id(client) == str(berit.pk)
    assert set(berit.memberships.values_list("party", "role")) == {(region.pk, "administrator")}


def test_an_issuer_other_than_the_configured_is_refused(client, settings, oidc_server, anna):
    # The same server under another name: its discovery document names 127.0.0.1.
    issuer = oidc_server.issuer.replace("127.0.0.1", "localhost")
    settings.OIDC_PROVIDERS = (make_provider(issuer),)
    response = client.get("/konto/sso/test/")
    assert "Inloggningstjänsten Region A:s inloggning svarar inte som den ska" in refusal(
        client, response
    )


def test_the_resigned_token_itself_logs_in(client, provider, anna, tamper, oidc_server):
    # The control of the cases below: re-signing alone changes nothing.
    tamper(resigned(oidc_server.key))
    assert sso_login(client, "anna")["Location"] == "/"


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": "https://login.elsewhere.example/"},
        {"aud": "another-client"},
        {"aud": ["iop-test", "another-client"]},
        {"nonce": "a-nonce-of-another-login"},
        {"exp": 1_000_000_000},
    ],
    ids=["issuer", "audience", "shared-audience", "nonce", "expired"],
)
def test_a_token_with_a_wrong_claim_is_refused(
    client, provider, anna, tamper, oidc_server, changes
):
    tamper(resigned(oidc_server.key, **changes))
    assert NOT_CHECKED in refusal(client, sso_login(client, "anna"))


def test_a_tampered_token_is_refused(client, provider, anna, tamper):
    def change(token):
        header, payload, signature = token.split(".")
        claims = jwt.utils.base64url_decode(payload).replace(b'"sub":"anna"', b'"sub":"root"')
        return ".".join([header, jwt.utils.base64url_encode(claims).decode(), signature])

    tamper(change)
    assert NOT_CHECKED in refusal(client, sso_login(client, "anna"))


def test_a_token_signed_with_another_key_is_refused(client, provider, anna, tamper):
    stranger_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tamper(resigned(stranger_key))
    assert NOT_CHECKED in refusal(client, sso_login(client, "anna"))


def test_a_return_with_an_unknown_state_is_refused(client, provider, anna):
    returned = at_provider(start_login(client), "anna")
    forged = returned.replace("state=", "state=forged")
    page = refusal(client, client.get(forged.removeprefix(APP)))
    assert "hör inte till en inloggning som startades här" in page


def test_a_return_carried_to_another_browser_is_refused(client, provider, anna):
    returned = at_provider(start_login(client), "anna")
    other = Client()
    refusal(other, other.get(returned.removeprefix(APP)))


def test_a_return_is_answered_once(client, provider, anna):
    returned = at_provider(start_login(client), "anna")
    assert client.get(returned.removeprefix(APP))["Location"] == "/"
    client.logout()
    refusal(client, client.get(returned.removeprefix(APP)))


def test_a_deactivated_user_is_logged_out(client, provider, anna):
    sso_login(client, "anna")
    anna.is_active = False
    anna.save()
    assert client.get("/")["Location"].startswith("/konto/login/")


def test_an_unknown_provider_is_not_found(client, provider):
    assert client.get("/konto/sso/nobody/").status_code == 404
    assert client.get("/konto/sso/nobody/retur/").status_code == 404
    assert client.post("/konto/sso/test/").status_code == 405


def test_the_login_page_links_to_the_provider_with_the_page_to_return_to(client, provider):
    page = client.get("/konto/login/", {"next": "/overenskommelser/?q=a&b"}).content.decode()
    assert 'href="/konto/sso/test/?next=/overenskommelser/%3Fq%3Da%26b"' in page


def test_a_session_remembers_its_latest_unfinished_logins_only(client, provider):
    first = parse_qs(urlsplit(start_login(client)).query)["state"][0]
    for _ in range(MAX_STATES):
        start_login(client)
    states = client.session[STATES_SESSION_KEY]
    assert len(states) == MAX_STATES and first not in states


def test_an_address_locked_out_for_password_spraying_is_not_let_in_by_a_provider(
    client, provider, anna, settings
):
    settings.AXES_ADDRESS_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT = 3
    for i in range(3):
        client.post("/konto/login/", {"username": f"guess{i}", "password": "fel"})
    response = sso_login(client, "anna")
    assert response.status_code == 429
    assert logged_in_user_id(client) is None


def provider_page(browser, url):
    """Follow the provider's redirects from url: the page it stops at, or the address it
    sends the browser back to the app with."""
    for _ in range(12):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if not response.is_redirect:
            return response.text
        url = urljoin(url, response.headers["Location"])
        if url.startswith(APP + "/"):
            return url
    raise AssertionError("the provider kept redirecting")


def logout_query(response, endpoint):
    """The parameters of the logout's redirect to the provider's end-session endpoint."""
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == endpoint
    return parse_qs(url.query)


def test_logging_out_ends_the_session_at_the_provider_too(client, provider, anna, oidc_server):
    browser = requests.Session()  # the shared computer's
    sso_login(client, "anna", browser)
    response = client.post("/konto/logout/")
    query = logout_query(response, f"{oidc_server.issuer}/session/end")
    (hint,) = query["id_token_hint"]
    key = oidc_server.key.public_key()
    claims = jwt.decode(hint, key, algorithms=["RS256"], audience=CLIENT_ID)
    assert claims["sub"] == "anna" and claims["iss"] == oidc_server.issuer
    assert query["post_logout_redirect_uri"] == [f"{APP}/konto/login/"]
    assert query["client_id"] == [CLIENT_ID]
    assert logged_in_user_id(client) is None
    assert not set(SSO_LOGOUT_SESSION_KEYS) & set(client.session.keys())
    assert client.get("/")["Location"].startswith("/konto/login/")

    # The provider takes the hint and sends the browser back to the login page; the next
    # person at the same browser is asked who they are.
    assert at_provider(response["Location"], browser=browser) == f"{APP}/konto/login/"
    page = provider_page(browser, start_login(Client()))
    assert 'name="login"' in page


def test_without_logging_out_the_provider_lets_the_same_browser_straight_in(client, provider, anna):
    # The control of the test above: the provider's session is what logging out ends.
    browser = requests.Session()
    sso_login(client, "anna", browser)
    assert provider_page(browser, start_login(Client())).startswith(f"{APP}/konto/sso/test/retur/")


def test_a_configured_end_session_endpoint_wins_over_discovery(client, settings, oidc_server, anna):
    endpoint = "https://login.region-a.se/logout?tenant=a"
    settings.OIDC_PROVIDERS = (make_provider(oidc_server.issuer, end_session_endpoint=endpoint),)
    sso_login(client, "anna")
    location = client.post("/konto/logout/")["Location"]
    assert location.startswith(endpoint + "&id_token_hint=")
    assert parse_qs(urlsplit(location).query)["tenant"] == ["a"]


def test_a_login_over_another_users_session_still_logs_out_at_the_provider(
    client, provider, anna, region, oidc_server
):
    bo = make_user("bo", "bo@region-a.se", region)
    client.force_login(bo)
    sso_login(client, "anna")
    assert logged_in_user_id(client) == str(anna.pk)
    response = client.post("/konto/logout/")
    assert "id_token_hint" in logout_query(response, f"{oidc_server.issuer}/session/end")


def test_a_password_logout_goes_to_the_login_page(client, provider, anna):
    anna.set_password("ett långt lösenord 123")
    anna.save()
    client.post("/konto/login/", {"username": "anna", "password": "ett långt lösenord 123"})
    assert logged_in_user_id(client) == str(anna.pk)
    response = client.post("/konto/logout/")
    assert response.status_code == 302 and response["Location"] == "/konto/login/"
    assert logged_in_user_id(client) is None
    assert client.get("/konto/logout/").status_code == 405


def test_only_a_provider_session_may_send_its_logout_form_to_the_provider(
    client, provider, anna, oidc_server
):
    # Browsers hold the logout form's redirect to the page's form-action.
    sso_login(client, "anna")
    directives = csp_directives(client.get("/"))
    assert directives["form-action"] == ["'self'", oidc_server.issuer]
    client.post("/konto/logout/")
    directives = csp_directives(client.get("/konto/login/"))
    assert directives["form-action"] == ["'self'"]
