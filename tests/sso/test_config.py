"""OIDC_PROVIDERS: the identity providers from the environment, refused loudly when wrong."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from agreements.models import Role
from iop.sso.config import ROLES, parse_providers
from tests.test_settings import SETUP, production_env, run

SECRETS = {"OIDC_CLIENT_SECRET_VLL": "s3cret"}


def entry(**fields):
    value = {
        "key": "vll",
        "name": "Region Västerbotten",
        "issuer": "https://login.microsoftonline.com/tenant/v2.0",
        "client_id": "app-id",
        "organisations": ["2321000222"],
    }
    value.update(fields)
    return value


def parse(*entries, secrets=SECRETS):
    return parse_providers(json.dumps(list(entries)), secrets)


def test_a_provider_is_read_with_its_secret_from_its_own_variable():
    (provider,) = parse(entry(groups={"232100-0222": {"g-1": "administrator"}}))
    assert provider.client_secret == "s3cret"
    assert provider.organisations == ("232100-0222",)
    assert provider.group_roles == {"232100-0222": {"g-1": "administrator"}}
    assert "s3cret" not in repr(provider)


def test_an_end_session_endpoint_is_optional_and_may_have_a_query():
    (provider,) = parse(entry())
    assert provider.end_session_endpoint == ""
    endpoint = "https://login.microsoftonline.com/tenant/oauth2/v2.0/logout?x=1"
    (provider,) = parse(entry(end_session_endpoint=f" {endpoint} "))
    assert provider.end_session_endpoint == endpoint


def test_no_providers_by_default():
    assert parse_providers("", {}) == ()


@pytest.mark.parametrize(
    ("raw", "secrets", "message"),
    [
        ("{not json", SECRETS, "not valid JSON"),
        (json.dumps({"key": "vll"}), SECRETS, "JSON list"),
        (json.dumps([entry()]), {}, "OIDC_CLIENT_SECRET_VLL must be set"),
        (json.dumps([entry(client_secret="x")]), SECRETS, "unknown fields"),
        (json.dumps([entry(key="Region VLL")]), SECRETS, "lower-case"),
        (json.dumps([entry(issuer="login.example")]), SECRETS, "issuer"),
        (json.dumps([entry(organisations=[])]), SECRETS, "at least one"),
        (json.dumps([entry(organisations=["12-34"])]), SECRETS, "not an organisation number"),
        (json.dumps([entry(groups={"232100-0222": {"g": "chef"}})]), SECRETS, "'chef'"),
        (json.dumps([entry(groups={"212000-1355": {"g": "secretary"}})]), SECRETS, "not in"),
        (json.dumps([entry(sign_algo="HS256")]), SECRETS, "asymmetric"),
        (json.dumps([entry(), entry()]), SECRETS, "same key"),
        (json.dumps([entry(end_session_endpoint="login.example/logout")]), SECRETS, "end_sess"),
        (json.dumps([entry(end_session_endpoint="ftp://login.example/")]), SECRETS, "end_sess"),
        (json.dumps([entry(end_session_endpoint="https://a.example/#x")]), SECRETS, "end_sess"),
        (json.dumps([entry(end_session_endpoint=["https://a.example/"])]), SECRETS, "end_sess"),
    ],
)
def test_a_malformed_provider_stops_start_up(raw, secrets, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_providers(raw, secrets)


def test_the_roles_are_the_membership_roles():
    assert set(ROLES) == set(Role.values)


def test_production_start_up_names_a_malformed_provider_list():
    result = run(SETUP, production_env(OIDC_PROVIDERS="[{"))
    assert result.returncode != 0 and "OIDC_PROVIDERS" in result.stderr
    env = production_env(OIDC_PROVIDERS=json.dumps([entry()]), OIDC_CLIENT_SECRET_VLL="s3cret")
    code = SETUP + "; from django.conf import settings; print(settings.OIDC_PROVIDERS[0].key)"
    result = run(code, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "vll"
