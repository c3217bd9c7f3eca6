"""Two-factor login: a password, then a code from an authenticator app (TOTP) or a recovery
code, with django-otp's devices and throttling.

    password login (Django's LoginView, django-axes counting every failure)
      → signals.remember_at_login: the session's next step, read once per login
      → middleware.TwoFactorMiddleware, before every page:
            a confirmed device, not yet verified        → views.verify (a code or recovery code)
            none, in an organisation that requires one  → views.setup
            (nothing else opens but logging out, the language switch and the other step's
            page, which sends on to the right one)
            otherwise                                   → the page
      → django_otp.login marks the session verified (django_otp's OTPMiddleware reads it)

Only password logins take the second step (policy.is_password_login): a login through the
organisation's own identity provider (SSO) is that provider's to secure. An organisation's
administrators set the policy on its record (Party.require_two_factor).
"""
