"""The identity providers of single sign-on, read from the environment by iop/settings.py.

OIDC_PROVIDERS is a JSON list, one object per OpenID Connect provider (docs/deploy.md):

    [{"key": "vll", "name": "Region Västerbotten",
      "issuer": "https://login.microsoftonline.com/<tenant id>/v2.0",
      "client_id": "<application id>",
      "organisations": ["232100-0222"],
      "groups": {"232100-0222": {"<group id>": "administrator"}},
      "email_verified_claim": "xms_edov",
      "end_session_endpoint": "https://login.microsoftonline.com/<tenant id>/oauth2/v2.0/logout"}]

The client secret never sits in that list: it is read from OIDC_CLIENT_SECRET_<KEY> (the key
in upper case, e.g. OIDC_CLIENT_SECRET_VLL). Anything malformed stops start-up with a message
naming the provider and the field. No Django imports beyond the error: settings load this.
"""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# The values of agreements.models.Role (tests/sso/test_config.py keeps them equal); settings
# are read before the models can be imported.
ROLES = ("administrator", "coordinator", "secretary")
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,29}$")
_ORG_NUMBER = re.compile(r"^\d{6}-?\d{4}$")
_FIELDS = {
    "key",
    "name",
    "issuer",
    "client_id",
    "organisations",
    "groups",
    "groups_claim",
    "email_verified_claim",
    "scopes",
    "sign_algo",
    "end_session_endpoint",
}


@dataclass(frozen=True)
class Provider:
    """One identity provider and the organisations whose users log in through it."""

    key: str
    name: str
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    # Organisation numbers (NNNNNN-NNNN) of the organisations the provider belongs to.
    organisations: tuple
    # {organisation number: {group claim value: role}}; only those organisations' roles
    # follow the group claim.
    group_roles: dict
    groups_claim: str = "groups"
    email_verified_claim: str = "email_verified"
    scopes: str = "openid email profile"
    sign_algo: str = "RS256"
    # Where logging out sends the browser (OpenID Connect RP-Initiated Logout 1.0); empty:
    # the one the provider's discovery document names, if any.
    end_session_endpoint: str = ""


def parse_providers(raw, secrets):
    """The providers described by the JSON text raw; secrets maps variable names to values.

    >>> parse_providers("[]", {})
    ()
    """
    try:
        data = json.loads(raw or "[]")
    except ValueError as exc:
        raise ImproperlyConfigured(f"OIDC_PROVIDERS is not valid JSON: {exc}") from None
    if not isinstance(data, list):
        raise ImproperlyConfigured("OIDC_PROVIDERS must be a JSON list of providers")
    providers = tuple(_provider(item, secrets) for item in data)
    keys = [p.key for p in providers]
    if len(set(keys)) != len(keys):
        raise ImproperlyConfigured("OIDC_PROVIDERS: two providers have the same key")
    return providers


def _provider(item, secrets):
    if not isinstance(item, dict):
        raise ImproperlyConfigured("OIDC_PROVIDERS: each provider must be a JSON object")
    key = item.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise ImproperlyConfigured(
            f"OIDC_PROVIDERS: key {key!r} must be 1-30 lower-case letters, digits or '-'"
        )

    def fail(message):
        raise ImproperlyConfigured(f"OIDC_PROVIDERS, provider {key!r}: {message}")

    unknown = set(item) - _FIELDS
    if unknown:
        fail(f"unknown fields {sorted(unknown)} (a client secret goes in its own variable)")
    text = _texts(item, fail)
    secret_name = "OIDC_CLIENT_SECRET_" + key.upper().replace("-", "_")
    secret = (secrets.get(secret_name) or "").strip()
    if not secret:
        fail(f"the client secret {secret_name} must be set")
    organisations = tuple(_org_number(n, fail) for n in _list(item, "organisations", fail))
    if not organisations:
        fail("organisations must name at least one organisation number")
    group_roles = _group_roles(item.get("groups", {}), organisations, fail)
    options = _options(item, fail)
    return Provider(
        key=key,
        client_secret=secret,
        organisations=organisations,
        group_roles=group_roles,
        **text,
        **options,
    )


def _texts(item, fail):
    text = {}
    for name in ("name", "issuer", "client_id"):
        value = item.get(name)
        if not isinstance(value, str) or not value.strip():
            fail(f"{name} must be a non-empty string")
        text[name] = value.strip()
    issuer = urlsplit(text["issuer"])
    if issuer.scheme not in ("https", "http") or not issuer.netloc or issuer.query:
        fail("issuer must be the provider's https:// address, without query")
    return text


def is_endpoint_url(value):
    """Whether value can be a provider's endpoint: an https:// address (http:// as the issuer
    may be, for a provider on the same machine), without fragment.

    >>> is_endpoint_url("https://login.example/logout?p=1"), is_endpoint_url("/logout")
    (True, False)
    """
    if not isinstance(value, str):
        return False
    url = urlsplit(value)
    return url.scheme in ("https", "http") and bool(url.netloc) and not url.fragment


def _options(item, fail):
    options = {}
    for name in ("groups_claim", "email_verified_claim", "scopes", "sign_algo"):
        if name in item:
            if not isinstance(item[name], str) or not item[name].strip():
                fail(f"{name} must be a non-empty string")
            options[name] = item[name].strip()
    if "end_session_endpoint" in item:
        endpoint = item["end_session_endpoint"]
        if not isinstance(endpoint, str) or not is_endpoint_url(endpoint.strip()):
            fail("end_session_endpoint must be an https:// address, without fragment")
        options["end_session_endpoint"] = endpoint.strip()
    if "openid" not in options.get("scopes", "openid").split():
        fail("scopes must include openid")
    if options.get("sign_algo", "RS256")[:2] not in ("RS", "ES", "PS"):
        fail("sign_algo must be an asymmetric algorithm such as RS256")
    return options


def _list(item, name, fail):
    value = item.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        fail(f"{name} must be a list of strings")
    return value


def _org_number(value, fail):
    value = value.strip()
    if not _ORG_NUMBER.match(value):
        fail(f"{value!r} is not an organisation number NNNNNN-NNNN")
    digits = value.replace("-", "")
    return f"{digits[:6]}-{digits[6:]}"


def _group_roles(groups, organisations, fail):
    if not isinstance(groups, dict):
        fail("groups must map organisation numbers to {group: role}")
    mapped = {}
    for number, roles in groups.items():
        number = _org_number(number, fail)
        if number not in organisations:
            fail(f"groups names {number}, which is not in organisations")
        if not isinstance(roles, dict) or not roles:
            fail(f"groups of {number} must map group values to roles")
        for group, role in roles.items():
            if role not in ROLES:
                fail(f"role {role!r} of group {group!r} is not one of {', '.join(ROLES)}")
        mapped[number] = dict(roles)
    return mapped
