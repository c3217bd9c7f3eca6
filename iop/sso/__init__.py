"""Single sign-on with OpenID Connect (mozilla-django-oidc), beside the password login.

config.py reads the providers from the environment; backend.py checks a provider's answer
(discovery, token, signature, issuer, audience, nonce, PKCE) and asks
agreements.services.sso who it logs in; views.py starts a login and receives its answer.

A session logged in this way has django.contrib.auth's BACKEND_SESSION_KEY set to
iop.sso.backend.SSO_BACKEND and SSO_PROVIDER_SESSION_KEY to the provider's key;
iop.sso.backend.logged_in_with_sso(session) says so (two-factor checks skip such logins).
"""
