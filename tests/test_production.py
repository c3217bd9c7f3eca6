"""Production serving: check --deploy, gunicorn + WhiteNoise as `make serve` runs it, /healthz."""

import http.client
import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_settings import ROOT, production_env

BIN = Path(sys.executable).parent
HTTPS = {"X-Forwarded-Proto": "https"}
# Nothing listens on port 1: connections are refused at once.
UNREACHABLE_DB = "postgres://postgres@127.0.0.1:1/iop?connect_timeout=2"


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("behind_proxy, client_ip_header", [("0", ""), ("1", "HTTP_X_REAL_IP")])
def test_check_deploy_is_clean_under_production_settings(behind_proxy, client_ip_header):
    env = production_env(SECURE_PROXY_SSL_HEADER=behind_proxy, CLIENT_IP_HEADER=client_ip_header)
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_check_deploy_warns_behind_a_proxy_without_the_client_address_header():
    """Without it every login comes from the proxy's address: five failures by anyone would
    lock a user out for everyone."""
    env = production_env(SECURE_PROXY_SSL_HEADER="1", CLIENT_IP_HEADER="")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "iop.W001" in result.stderr and "CLIENT_IP_HEADER" in result.stderr


# --- /healthz in this process (DEBUG from tests/testenv.py, the test database) ---


@pytest.mark.django_db
def test_healthz_answers_200_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_answers_503_without_the_database():
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode().strip())"
    )
    env = production_env(DEBUG="1", DATABASE_URL=UNREACHABLE_DB, ALLOWED_HOSTS="testserver")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "503 database unreachable"


@pytest.mark.parametrize("module", ["iop.wsgi", "iop.asgi"])
def test_a_server_process_loads_its_urls_and_freezes_them_before_the_first_request(module):
    code = (
        "import gc, sys;"
        f"import {module};"
        "print(gc.get_freeze_count() > 0, 'agreements.views.agreements' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(DEBUG="1"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True True"


# --- gunicorn with WhiteNoise, DEBUG off, as `make serve` runs it ---


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """collectstatic once, as `make serve` does before starting gunicorn."""
    root = tmp_path_factory.mktemp("static")
    env = production_env(STATIC_ROOT=str(root))
    result = manage("collectstatic", "--no-input", "-v0", env=env)
    assert result.returncode == 0, result.stderr
    return root


def serve(static_root, tmp_path, **overrides):
    """Start gunicorn as behind nginx: TLS ends at the proxy, which sets X-Forwarded-Proto."""
    port = free_port()
    settings = {
        "STATIC_ROOT": str(static_root),
        "ALLOWED_HOSTS": "iop.example.se,127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "SECURE_PROXY_SSL_HEADER": "1",
    }
    env = production_env(**{**settings, **overrides})
    gunicorn = shutil.which("gunicorn", path=str(BIN)) or str(BIN / "gunicorn")
    process = subprocess.Popen(
        [gunicorn, "iop.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, port
        except OSError:
            if process.poll() is not None:
                raise AssertionError(process.stderr.read()) from None
            time.sleep(0.2)
    process.terminate()
    raise AssertionError("gunicorn did not start")


@pytest.fixture
def server(static_root, tmp_path):
    process, port = serve(static_root, tmp_path)
    yield port
    process.terminate()
    process.wait(timeout=10)


def test_gunicorn_serves_healthz_over_plain_http(server):
    response, body = get(server, "/healthz")
    assert response.status == 200
    assert body == b"ok\n"


def test_gunicorn_redirects_other_pages_to_https(server):
    response, _ = get(server, "/admin/login/")
    assert response.status == 301
    assert response.getheader("Location").startswith("https://")


def test_admin_login_over_https_behind_the_proxy(server):
    response, body = get(server, "/admin/login/", HTTPS)
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security").startswith("max-age=31536000")
    assert "default-src 'self'" in response.getheader("Content-Security-Policy")
    assert response.getheader("X-Frame-Options") == "DENY"
    # The page links the hashed static names from the manifest.
    assert b"/static/admin/css/base." in body and b"/static/admin/css/base.css" not in body


def test_whitenoise_serves_hashed_compressed_static_files(server, static_root):
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["admin/css/base.css"]
    assert hashed != "admin/css/base.css"
    assert (static_root / (hashed + ".gz")).exists()
    response, _ = get(server, f"/static/{hashed}", {"Accept-Encoding": "gzip", **HTTPS})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert "immutable" in response.getheader("Cache-Control")


def test_gunicorn_answers_503_when_the_database_is_gone(static_root, tmp_path):
    process, port = serve(static_root, tmp_path, DATABASE_URL=UNREACHABLE_DB)
    try:
        response, body = get(port, "/healthz")
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert response.status == 503
    assert body == b"database unreachable\n"
