"""The authentication backend of single sign-on: mozilla-django-oidc's code flow, one of
settings.OIDC_PROVIDERS at a time, with the issuer and audience checks it leaves out."""

import hashlib
import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from agreements.services.sso import SsoRefused, user_for_sso_login

from .config import is_endpoint_url

logger = logging.getLogger(__name__)

SSO_BACKEND = "iop.sso.backend.OidcBackend"
SSO_PROVIDER_SESSION_KEY = "sso_provider"
# What logging out at the provider needs (iop.sso.views.provider_logout_url): the raw ID
# token (mozilla-django-oidc's store_tokens keeps it under this key) and the end-session
# endpoint as known at login, so that logging out never waits for the provider's discovery.
SSO_ID_TOKEN_SESSION_KEY = "oidc_id_token"
SSO_END_SESSION_SESSION_KEY = "sso_end_session_endpoint"
SSO_LOGOUT_SESSION_KEYS = (SSO_ID_TOKEN_SESSION_KEY, SSO_END_SESSION_SESSION_KEY)
TIMEOUT_SECONDS = 10
METADATA_SECONDS = 60 * 60

# The library's options, the same for every provider.
_LIBRARY_SETTINGS = {
    "OIDC_USE_NONCE": True,
    "OIDC_VERIFY_SSL": True,
    "OIDC_VERIFY_KID": True,
    "OIDC_ALLOW_UNSECURED_JWT": False,
    "OIDC_TOKEN_USE_BASIC_AUTH": False,
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_STORE_ID_TOKEN": True,
    "OIDC_TIMEOUT": TIMEOUT_SECONDS,
    "OIDC_PROXY": None,
}


def logged_in_with_sso(session):
    """Whether the session's user logged in through an identity provider, not a password."""
    return session.get(BACKEND_SESSION_KEY) == SSO_BACKEND


def provider_for(key):
    """The configured provider with this key, else 404."""
    for provider in settings.OIDC_PROVIDERS:
        if provider.key == key:
            return provider
    raise Http404


def callback_url(request, provider):
    return request.build_absolute_uri(reverse("sso:callback", args=[provider.key]))


def provider_metadata(provider):
    """The provider's discovery document, refused unless it names the configured issuer.

    Kept an hour in the cache, so a login costs no extra round trip.
    """
    cache_key = "sso:metadata:" + hashlib.sha256(provider.issuer.encode()).hexdigest()
    metadata = cache.get(cache_key)
    if metadata is None:
        url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=TIMEOUT_SECONDS)
            response.raise_for_status()
            metadata = response.json()
            # OpenID Connect Discovery 1.0 §4.3: the issuer must be the one asked.
            if metadata.get("issuer") != provider.issuer:
                raise ValueError(f"discovery names issuer {metadata.get('issuer')!r}")
            for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(metadata.get(name), str):
                    raise ValueError(f"discovery has no {name}")
            if "end_session_endpoint" in metadata and not is_endpoint_url(
                metadata["end_session_endpoint"]
            ):
                raise ValueError("discovery's end_session_endpoint is not an https:// address")
        except (requests.RequestException, ValueError) as exc:
            logger.warning("SSO provider %s: discovery at %s refused: %s", provider.key, url, exc)
            raise SsoRefused(
                _(
                    "Inloggningstjänsten %(provider)s svarar inte som den ska. Försök igen "
                    "senare eller logga in med användarnamn och lösenord."
                )
                % {"provider": provider.name}
            ) from None
        cache.set(cache_key, metadata, METADATA_SECONDS)
    return metadata


def check_id_token(payload, *, issuer, client_id):
    """Raise SuspiciousOperation unless the ID token was issued by issuer to client_id.

    OpenID Connect Core 1.0 §3.1.3.7; the library checks the signature, algorithm, expiry
    and nonce, not these.
    """
    if payload.get("iss") != issuer:
        raise SuspiciousOperation(f"ID token issuer {payload.get('iss')!r} is not {issuer!r}")
    audience = payload.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        raise SuspiciousOperation(f"ID token audience {audience!r} is not this client")
    if len(audiences) > 1 and payload.get("azp") != client_id:
        raise SuspiciousOperation("ID token for several audiences without this client as azp")
    if not payload.get("sub") or "exp" not in payload:
        raise SuspiciousOperation("ID token without sub or exp")


class OidcBackend(OIDCAuthenticationBackend):
    """Log in the user a provider's answer names (agreements.services.sso decides who)."""

    def __init__(self, *args, **kwargs):
        # The library reads one provider's endpoints from settings here; each login sets
        # its own provider's in authenticate().
        self.UserModel = get_user_model()

    # Django's, which refuses an inactive user; the library's would keep them logged in.
    get_user = ModelBackend.get_user

    def get_settings(self, attr, *args):
        if attr in _LIBRARY_SETTINGS:
            return _LIBRARY_SETTINGS[attr]
        if args:
            return args[0]
        raise AttributeError(attr)

    def authenticate(self, request, sso_provider=None, nonce=None, code_verifier=None):
        """The user of the provider's answer in request; raises SsoRefused with the reason.

        Only the single sign-on callback passes these arguments: a password login never
        reaches the provider.
        """
        if request is None or sso_provider is None or not nonce or not code_verifier:
            return None
        self.request = request
        provider = sso_provider
        metadata = provider_metadata(provider)
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = metadata.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        self.OIDC_RP_SIGN_ALGO = provider.sign_algo
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            id_token, claims = self._verified_claims(
                provider, nonce=nonce, code_verifier=code_verifier
            )
        except (SuspiciousOperation, jwt.PyJWTError, requests.RequestException, KeyError) as exc:
            logger.warning("SSO provider %s: answer refused: %s", provider.key, exc)
            raise SsoRefused(
                _(
                    "Svaret från %(provider)s kunde inte kontrolleras, så du är inte inloggad. "
                    "Försök igen."
                )
                % {"provider": provider.name}
            ) from None
        user = user_for_sso_login(provider=provider, claims=claims, now=timezone.now())
        self.store_tokens(None, id_token)
        self.request.session[SSO_END_SESSION_SESSION_KEY] = (
            provider.end_session_endpoint or metadata.get("end_session_endpoint", "")
        )
        return user

    def _verified_claims(self, provider, *, nonce, code_verifier):
        token_info = self.get_token(
            {
                "client_id": provider.client_id,
                "client_secret": provider.client_secret,
                "grant_type": "authorization_code",
                "code": self.request.GET["code"],
                "redirect_uri": callback_url(self.request, provider),
                "code_verifier": code_verifier,
            }
        )
        id_token = token_info["id_token"]
        payload = self.verify_token(id_token, nonce=nonce)
        check_id_token(payload, issuer=provider.issuer, client_id=provider.client_id)
        return id_token, self.get_userinfo(token_info.get("access_token"), id_token, payload)

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, completed by the userinfo endpoint's for the same subject."""
        if not self.OIDC_OP_USER_ENDPOINT or not access_token:
            return payload
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload["sub"]:
            raise SuspiciousOperation("userinfo is about another subject than the ID token")
        return {**userinfo, **payload}
