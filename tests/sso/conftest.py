"""A real OpenID Connect provider on 127.0.0.1 for the single sign-on tests.

tests/oidc/provider.mjs runs the npm package oidc-provider (installed by `make test` with
npm ci) with one confidential client, a signing key made here, and the accounts below.
The tests hold the private key, so they can also mint tokens the provider could have
signed, with a claim changed.
"""

import json
import subprocess
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from iop.sso.config import Provider

OIDC_DIR = Path(__file__).resolve().parent.parent / "oidc"
CLIENT_ID = "iop-test"
CLIENT_SECRET = "test-secret-not-used-anywhere-else"
APP = "http://testserver"
REGION_NUMBER = "232100-0222"  # Region A in the tests' organisations
ACCOUNTS = {
    "anna": {"email": "Anna.Andersson@region-a.se", "email_verified": True, "groups": []},
    "admin-group": {
        "email": "berit@region-a.se",
        "email_verified": True,
        "groups": ["iop-administratorer", "alla-anstallda"],
    },
    "unverified": {"email": "anna.andersson@region-a.se", "email_verified": False},
    "stranger": {"email": "okand@region-a.se", "email_verified": True},
}


@contextmanager
def running_provider(folder, redirect_uris):
    """Start the provider with the client's redirect URIs; its issuer and signing key."""
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("oidc-provider is not installed: run `make test` (npm ci in tests/oidc)")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))
    jwk.update(kid="test-key", use="sig", alg="RS256")
    # PyJWT marks a private key "sign" only; the provider also verifies with it (the
    # id_token_hint of a logout).
    del jwk["key_ops"]
    config = Path(folder) / "provider.json"
    config.write_text(
        json.dumps(
            {
                "client": {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": redirect_uris,
                    # The login page of the app of each redirect URI: where logging out at
                    # the provider may send the browser back to.
                    "post_logout_redirect_uris": [
                        uri.split("/konto/sso/")[0] + "/konto/login/" for uri in redirect_uris
                    ],
                    "token_endpoint_auth_method": "client_secret_post",
                },
                "jwk": jwk,
                "accounts": ACCOUNTS,
            }
        )
    )
    process = subprocess.Popen(
        ["node", str(OIDC_DIR / "provider.mjs"), str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline()
        if not line.startswith("ready "):
            pytest.fail(f"the test OpenID Connect provider did not start: {line!r}")
        yield SimpleNamespace(issuer=line.split()[1], key=key)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def oidc_server(tmp_path_factory):
    """The provider for the test client's app, running for the whole session."""
    folder = tmp_path_factory.mktemp("oidc")
    with running_provider(folder, [f"{APP}/konto/sso/test/retur/"]) as server:
        yield server


def make_provider(issuer, **fields):
    values = {
        "key": "test",
        "name": "Region A:s inloggning",
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "organisations": (REGION_NUMBER,),
        "group_roles": {},
        "scopes": "openid email groups",
    }
    values.update(fields)
    return Provider(**values)


@pytest.fixture
def provider(oidc_server, settings):
    """The test provider configured as the app's only identity provider."""
    settings.OIDC_PROVIDERS = (make_provider(oidc_server.issuer),)
    return settings.OIDC_PROVIDERS[0]


class _FirstForm(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action, self.fields, self.done = None, {}, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.done:
            return
        if tag == "form" and self.action is None:
            self.action = attrs.get("action", "")
        elif tag == "input" and self.action is not None and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form" and self.action is not None:
            self.done = True


def at_provider(authorize_url, login=None, browser=None):
    """Go through the provider's pages as a browser would, signing in as login (confirming a
    logout); return the address the provider finally sends the browser back to."""
    browser = browser or requests.Session()
    url, data = authorize_url, None
    for _ in range(12):
        if data is None:
            response = browser.get(url, allow_redirects=False, timeout=10)
        else:
            response = browser.post(url, data=data, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url, data = urljoin(url, response.headers["Location"]), None
            if url.startswith(APP + "/"):
                return url
            continue
        form = _FirstForm()
        form.feed(response.text)
        assert form.action is not None, f"no form at {url}: {response.status_code}"
        data = form.fields
        if "login" in data:
            data.update(login=login, password="any password")
        if form.action.endswith("/session/end/confirm"):
            data["logout"] = "yes"  # "Yes, sign me out"
        url = urljoin(url, form.action)
    raise AssertionError("the provider never sent the browser back")


def start_login(client, key="test", next_url=""):
    """Press "Logga in med …"; return the provider's authorization address."""
    response = client.get(f"/konto/sso/{key}/", {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.status_code
    return response["Location"]


def sso_login(client, login, browser=None, **kwargs):
    """A whole login through the provider as login; the app's answer to the return."""
    returned = at_provider(start_login(client, **kwargs), login, browser)
    return client.get(returned.removeprefix(APP))
