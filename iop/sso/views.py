"""Start a single sign-on login at a provider, receive its answer, and log out there too."""

import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.shortcuts import redirect, resolve_url
from django.utils.crypto import get_random_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from mozilla_django_oidc.utils import generate_code_challenge

from agreements.services.sso import SsoRefused

from .backend import (
    SSO_END_SESSION_SESSION_KEY,
    SSO_ID_TOKEN_SESSION_KEY,
    SSO_LOGOUT_SESSION_KEYS,
    SSO_PROVIDER_SESSION_KEY,
    callback_url,
    logged_in_with_sso,
    provider_for,
    provider_metadata,
)

STATES_SESSION_KEY = "sso_states"
# Logins started and not finished that a session remembers; the oldest is forgotten first.
MAX_STATES = 10


@never_cache
@require_GET
def start(request, key):
    """Send the browser to the provider, with a fresh state, nonce and PKCE challenge.

    A link, not a form: the Content-Security-Policy's form-action 'self' would stop a form's
    redirect to the provider. Starting a login for someone else gains nothing: its state
    answers only in the session that started it.
    """
    provider = provider_for(key)
    try:
        metadata = provider_metadata(provider)
    except SsoRefused as refused:
        messages.error(request, str(refused))
        return redirect("login")
    state, nonce = get_random_string(43), get_random_string(43)
    code_verifier = get_random_string(64)
    states = request.session.get(STATES_SESSION_KEY, {})
    while len(states) >= MAX_STATES:
        del states[min(states, key=lambda s: states[s]["started"])]
    states[state] = {
        "provider": provider.key,
        "nonce": nonce,
        "code_verifier": code_verifier,
        "next": _safe_next(request, request.GET.get("next", "")),
        "started": time.time(),
    }
    request.session[STATES_SESSION_KEY] = states
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": callback_url(request, provider),
        "scope": provider.scopes,
        "state": state,
        "nonce": nonce,
        "code_challenge": generate_code_challenge(code_verifier, "S256"),
        "code_challenge_method": "S256",
    }
    endpoint = metadata["authorization_endpoint"]
    return redirect(endpoint + ("&" if "?" in endpoint else "?") + urlencode(params))


@never_cache
@require_GET
def callback(request, key):
    """Log in the user the provider's answer names, or show the login page with why not."""
    provider = provider_for(key)
    states = request.session.get(STATES_SESSION_KEY, {})
    # Each state answers once, and only for the provider it was started with.
    started = states.pop(request.GET.get("state", ""), None)
    request.session[STATES_SESSION_KEY] = states
    if started is None or started["provider"] != provider.key:
        messages.error(
            request,
            _(
                "Inloggningen kunde inte slutföras: svaret hör inte till en inloggning som "
                "startades här. Försök igen."
            ),
        )
        return redirect("login")
    if "code" not in request.GET:
        messages.error(
            request,
            _("Inloggningen via %(provider)s avbröts.") % {"provider": provider.name},
        )
        return redirect("login")
    try:
        user = authenticate(
            request,
            sso_provider=provider,
            nonce=started["nonce"],
            code_verifier=started["code_verifier"],
        )
    except SsoRefused as refused:
        messages.error(request, str(refused))
        return redirect("login")
    if user is None:
        messages.error(request, _("Inloggningen misslyckades. Försök igen senare."))
        return redirect("login")
    # login() empties a session another user was logged in to: keep what logging out needs.
    kept = {k: request.session[k] for k in SSO_LOGOUT_SESSION_KEYS if k in request.session}
    login(request, user)
    request.session.update(kept)
    request.session[SSO_PROVIDER_SESSION_KEY] = provider.key
    return redirect(started["next"] or settings.LOGIN_REDIRECT_URL)


def _safe_next(request, url):
    """The page to return to after login, if it is on this site."""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else ""


def provider_logout_url(request):
    """Where logging out sends the browser: the end-session endpoint of the provider the
    session logged in through (OpenID Connect RP-Initiated Logout 1.0), else the login page.

    mozilla-django-oidc's OIDCLogoutView asks this (OIDC_OP_LOGOUT_URL_METHOD) and then
    empties the session. Without it, the provider's own session would let the next person
    at a shared computer in as the same user with one click.
    """
    session = request.session
    after = resolve_url(settings.LOGOUT_REDIRECT_URL)
    endpoint = session.get(SSO_END_SESSION_SESSION_KEY)
    id_token = session.get(SSO_ID_TOKEN_SESSION_KEY)
    key = session.get(SSO_PROVIDER_SESSION_KEY)
    provider = next((p for p in settings.OIDC_PROVIDERS if p.key == key), None)
    if not (logged_in_with_sso(session) and endpoint and id_token and provider):
        return after
    params = {
        "id_token_hint": id_token,
        # Registered at the provider beside the redirect URI (docs/deploy.md).
        "post_logout_redirect_uri": request.build_absolute_uri(after),
        "client_id": provider.client_id,
    }
    return endpoint + ("&" if "?" in endpoint else "?") + urlencode(params)


def logout_form_action(session):
    """The origin the logout form's redirect goes to, when it leaves this site.

    Browsers hold a form's redirects to the Content-Security-Policy's form-action too.
    """
    if not logged_in_with_sso(session) or not session.get(SSO_END_SESSION_SESSION_KEY):
        return None
    url = urlsplit(session[SSO_END_SESSION_SESSION_KEY])
    return f"{url.scheme}://{url.netloc}"
