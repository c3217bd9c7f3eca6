"""Settings for IOP, read from the environment (see .env.example and README)."""

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from iop.sso.config import parse_providers

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name, default):
    """Read a boolean; anything but a clear yes/no stops start-up (healthchecks' envbool)."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected true/false (1/0), got {raw!r}")


def env_int(name, default):
    raw = env.str(name, default=str(default)).strip()
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {raw!r}") from None


def env_required(name):
    """A setting production cannot start without."""
    value = env.str(name, default="").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off")
    return value


DEBUG = env_bool("DEBUG", False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdef")
    ALLOWED_HOSTS = env.list(
        "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
    )
else:
    SECRET_KEY = env_required("SECRET_KEY")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
        raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters")
    ALLOWED_HOSTS = [h.strip() for h in env_required("ALLOWED_HOSTS").split(",") if h.strip()]
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must name at least one host when DEBUG is off")

# Absolute address of the app, for links in e-mails (reminders). Production default:
# https:// and the first ALLOWED_HOSTS entry.
SITE_URL = env.str(
    "SITE_URL",
    default="http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}",
).rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://, got {SITE_URL!r}")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "iop.apps.IopConfig",
    "agreements",
    "funding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files straight after the security headers, before sessions (WhiteNoise docs).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "iop.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the user is known, before axes' lockout page: every signed-in answer is private.
    "iop.middleware.PrivateCacheMiddleware",
    # Which one-time-code device verified the session; then the second step of a password
    # login, before any page (iop.two_factor).
    "django_otp.middleware.OTPMiddleware",
    "iop.two_factor.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After it in this list, so before it on the way out: adds to the policy it writes.
    "iop.sso.middleware.LogoutFormActionMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a lockout into the Swedish lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iop.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Every form's empty required field says what to do ("Ange belopp"), see iop/forms.py.
FORM_RENDERER = "iop.forms.FormRenderer"

WSGI_APPLICATION = "iop.wsgi.application"
ASGI_APPLICATION = "iop.asgi.application"

# Unset DATABASE_URL: an SQLite file in the project (embedded default).
# Production requires PostgreSQL via DATABASE_URL.
if not DEBUG:
    env_required("DATABASE_URL")
try:
    DATABASES = {
        "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    }
except Exception as exc:  # django-environ raises several types for a bad URL
    raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
if DATABASES["default"].get("ENGINE") not in (
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
):
    raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or sqlite:/// URL")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("CONN_MAX_AGE", 60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out login before the password is even checked.
    "iop.security.ThrottlingBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on (iop.sso); answers only its own callback, never a password login.
    "iop.sso.backend.OidcBackend",
]

# Single sign-on with OpenID Connect: a JSON list of identity providers, each with its client
# secret in OIDC_CLIENT_SECRET_<KEY> (iop/sso/config.py, docs/deploy.md). Empty: no buttons.
OIDC_PROVIDERS = parse_providers(env.str("OIDC_PROVIDERS", default=""), os.environ)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="sv")
LANGUAGES = [("sv", _("Svenska")), ("en", _("Engelska"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be one of sv, en; got {LANGUAGE_CODE!r}")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Stockholm")
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except Exception:
    raise ImproperlyConfigured(f"TIME_ZONE is not a known time zone: {TIME_ZONE!r}") from None
USE_I18N = True
USE_TZ = True
# Dates are shown ISO everywhere (2026-01-01), whatever the language.
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FORMAT_MODULE_PATH = ["iop.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Production serves compressed files with content-hashed names (WhiteNoise, after
# collectstatic); development and tests use plain names so no manifest is needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Development serves straight from static/ and the apps (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# mozilla-django-oidc's OIDCLogoutView (iop/urls.py) asks this where to send the browser: a
# single sign-on session logs out at its provider too.
OIDC_OP_LOGOUT_URL_METHOD = "iop.sso.views.provider_logout_url"

# E-mail: console by default; e.g. EMAIL_URL=smtp+tls://user:password@smtp.example.se:587
try:
    vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
except Exception as exc:
    raise ImproperlyConfigured(f"EMAIL_URL is malformed: {exc}") from None
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="iop@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Database sessions that know their user, so that removing a member ends their sessions.
SESSION_ENGINE = "iop.sessions"

# Security headers; SSL redirect is configurable for deployments behind a TLS proxy.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SILENCED_SYSTEM_CHECKS = ["security.W021"] if not DEBUG else []  # HSTS preload is opt-in

# Content-Security-Policy (django-csp 4): only this site's own files, no inline script or
# style, never framed. Templates therefore keep scripts and styles in static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one user name
# from one address, that pair is locked out for AXES_COOLOFF_MINUTES. Locking by the pair,
# not by address alone, keeps one office behind a shared NAT address from locking out all
# its colleagues; AXES_ADDRESS_FAILURE_LIMIT failures from one address across all user
# names (password spraying) lock the address out (iop.security.ThrottlingHandler).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME <= timedelta(0):
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be positive")
if AXES_ADDRESS_FAILURE_LIMIT < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured("AXES_ADDRESS_FAILURE_LIMIT must be at least AXES_FAILURE_LIMIT")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "iop.security.ThrottlingHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
# Behind a proxy every request comes from the proxy: the client's address is read from the
# header the proxy overwrites with it (nginx: proxy_set_header X-Real-IP $remote_addr, then
# CLIENT_IP_HEADER=HTTP_X_REAL_IP), never from one a client could send past it. Unset behind
# a proxy, check --deploy warns: every login would share the proxy's address.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="").strip()
AXES_CLIENT_IP_CALLABLE = "iop.security.client_ip"

# Two-factor login (django-otp, iop.two_factor): the name the authenticator app shows beside
# the account, and the throttle on codes: after n wrong codes in a row the next is checked
# only OTP_THROTTLE_FACTOR * 2^(n-1) seconds after the last (django-otp's back-off).
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="IOP").strip()
if not OTP_TOTP_ISSUER or ":" in OTP_TOTP_ISSUER:
    raise ImproperlyConfigured("OTP_TOTP_ISSUER must be a non-empty name without a colon")
OTP_TOTP_THROTTLE_FACTOR = OTP_STATIC_THROTTLE_FACTOR = env_int("OTP_THROTTLE_FACTOR", 1)
if OTP_TOTP_THROTTLE_FACTOR < 1:
    raise ImproperlyConfigured("OTP_THROTTLE_FACTOR must be positive")
# The admin lists and removes devices but never shows a key or a recovery code: whoever read
# one there could log in as that user with the password alone.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# The password-reset page: at most PASSWORD_RESET_ADDRESS_LIMIT requests from one client
# address and PASSWORD_RESET_EMAIL_LIMIT for one e-mail address within
# PASSWORD_RESET_WINDOW_MINUTES, then a 429 page (iop.security.ThrottledPasswordResetView).
PASSWORD_RESET_ADDRESS_LIMIT = env_int("PASSWORD_RESET_ADDRESS_LIMIT", 10)
PASSWORD_RESET_EMAIL_LIMIT = env_int("PASSWORD_RESET_EMAIL_LIMIT", 3)
PASSWORD_RESET_WINDOW = timedelta(minutes=env_int("PASSWORD_RESET_WINDOW_MINUTES", 60))
if min(PASSWORD_RESET_ADDRESS_LIMIT, PASSWORD_RESET_EMAIL_LIMIT) < 1:
    raise ImproperlyConfigured(
        "PASSWORD_RESET_ADDRESS_LIMIT and PASSWORD_RESET_EMAIL_LIMIT must be positive"
    )
if PASSWORD_RESET_WINDOW < timedelta(minutes=1):
    raise ImproperlyConfigured("PASSWORD_RESET_WINDOW_MINUTES must be positive")

# The cache holds only such counts. In the database, so that every worker and app server
# shares them (the table is created by the iop app's migration).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "iop_cache",
    }
}

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="iop-demo")

# Report attachments (PDF, DOCX, XLSX), per file.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

# Reminders: days before a due date, and days after a tertial's end a tertial report is due.
REMINDER_DAYS_BEFORE = env_int("REMINDER_DAYS_BEFORE", 14)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step at INFO: one PDF would flood the log.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Money and deadlines
# Days after a tertial's last day that a tertial report is due, when the obligation says none.
TERTIAL_REPORT_DAYS_AFTER = env_int("TERTIAL_REPORT_DAYS_AFTER", 30)
