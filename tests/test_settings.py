"""Production settings: a missing or malformed setting stops start-up and names itself.

Each case starts a fresh Python with its own environment, as gunicorn would.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def production_env(**overrides):
    """A valid production environment; an override of "" counts as unset.

    Every variable is set explicitly so a developer's .env (read with overwrite=False)
    cannot fill a gap the test means to leave.
    """
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "iop.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "iop.example.se",
        "DATABASE_URL": "postgres://iop:secret@db.example.se:5432/iop",
        "EMAIL_URL": "consolemail://",
        "SECURE_PROXY_SSL_HEADER": "0",
        "CLIENT_IP_HEADER": "",
        "AXES_FAILURE_LIMIT": "5",
        "AXES_ADDRESS_FAILURE_LIMIT": "20",
        "AXES_COOLOFF_MINUTES": "15",
        "SESSION_COOKIE_AGE": "28800",
    }
    env.update(overrides)
    return env


SETUP = "import django; django.setup()"


def run(code, env):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_valid_production_settings_start():
    result = run(SETUP, production_env())
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "overrides, named",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "dev-only-insecure-key-change-me-0123456789abcdef-xyz"}, "SECRET_KEY"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        ({"DATABASE_URL": "nonsense://what"}, "DATABASE_URL"),
        ({"EMAIL_URL": "carrier-pigeon://coop"}, "EMAIL_URL"),
        ({"SECURE_PROXY_SSL_HEADER": "sometimes"}, "SECURE_PROXY_SSL_HEADER"),
        ({"SESSION_COOKIE_AGE": "eight hours"}, "SESSION_COOKIE_AGE"),
        ({"AXES_FAILURE_LIMIT": "five"}, "AXES_FAILURE_LIMIT"),
        ({"AXES_FAILURE_LIMIT": "0"}, "AXES_FAILURE_LIMIT"),
        ({"AXES_ADDRESS_FAILURE_LIMIT": "many"}, "AXES_ADDRESS_FAILURE_LIMIT"),
        ({"AXES_ADDRESS_FAILURE_LIMIT": "4"}, "AXES_ADDRESS_FAILURE_LIMIT"),
        ({"PASSWORD_RESET_EMAIL_LIMIT": "0"}, "PASSWORD_RESET_EMAIL_LIMIT"),
        ({"PASSWORD_RESET_ADDRESS_LIMIT": "ten"}, "PASSWORD_RESET_ADDRESS_LIMIT"),
        ({"PASSWORD_RESET_WINDOW_MINUTES": "0"}, "PASSWORD_RESET_WINDOW_MINUTES"),
        ({"AXES_COOLOFF_MINUTES": "-1"}, "AXES_COOLOFF_MINUTES"),
        ({"TIME_ZONE": "Europe/Atlantis"}, "TIME_ZONE"),
        ({"LANGUAGE_CODE": "xx"}, "LANGUAGE_CODE"),
        ({"OTP_TOTP_ISSUER": "IOP:Region"}, "OTP_TOTP_ISSUER"),
        ({"OTP_THROTTLE_FACTOR": "0"}, "OTP_THROTTLE_FACTOR"),
    ],
)
def test_missing_or_malformed_setting_stops_startup_naming_it(overrides, named):
    result = run(SETUP, production_env(**overrides))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert named in last_line, result.stderr


def test_security_and_session_settings_follow_the_environment():
    code = (
        SETUP + "; from django.conf import settings as s; import json; print(json.dumps({"
        "'age': s.SESSION_COOKIE_AGE, 'limit': s.AXES_FAILURE_LIMIT,"
        "'address_limit': s.AXES_ADDRESS_FAILURE_LIMIT, 'ip_header': s.CLIENT_IP_HEADER,"
        "'cooloff': s.AXES_COOLOFF_TIME.total_seconds(), 'proxy': s.SECURE_PROXY_SSL_HEADER,"
        "'redirect': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS,"
        "'secure_cookies': s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE,"
        "'static': s.STORAGES['staticfiles']['BACKEND']}))"
    )
    env = production_env(
        SESSION_COOKIE_AGE="1800",
        AXES_FAILURE_LIMIT="3",
        AXES_ADDRESS_FAILURE_LIMIT="40",
        AXES_COOLOFF_MINUTES="30",
        CLIENT_IP_HEADER="HTTP_X_REAL_IP",
        SECURE_PROXY_SSL_HEADER="1",
    )
    result = run(code, env)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "age": 1800,
        "limit": 3,
        "address_limit": 40,
        "ip_header": "HTTP_X_REAL_IP",
        "cooloff": 1800.0,
        "proxy": ["HTTP_X_FORWARDED_PROTO", "https"],
        "redirect": True,
        "hsts": 31536000,
        "secure_cookies": True,
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }
