"""Production settings: refuse to start without secrets, secure cookies, HSTS, headers, CSP.

Settings are read once per process, so the production variants are imported in a subprocess with
a clean environment.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

REPO = Path(__file__).resolve().parents[3]

PROBE = """
import json
from phaen import settings as s
names = [
    "DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER", "ALLOWED_HOSTS", "SESSION_COOKIE_HTTPONLY", "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
]
print(json.dumps({name: getattr(s, name, None) for name in names}))
"""


def import_settings(tmp_path, **env):
    clean = {"PATH": os.environ.get("PATH", ""), "PHAEN_VAR_DIR": str(tmp_path), **env}
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", PROBE],
        env=clean,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_debug_off_without_a_secret_key_refuses_to_start(tmp_path):
    result = import_settings(tmp_path, DEBUG="0", ALLOWED_HOSTS="phaen.example.go.th")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_off_without_allowed_hosts_refuses_to_start(tmp_path):
    result = import_settings(tmp_path, DEBUG="0", SECRET_KEY="k" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr


def test_debug_off_turns_on_the_secure_settings(tmp_path):
    result = import_settings(
        tmp_path, DEBUG="0", SECRET_KEY="k" * 60, ALLOWED_HOSTS="phaen.example.go.th"
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["phaen.example.go.th"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None


def test_behind_a_tls_proxy_the_forwarded_scheme_is_trusted(tmp_path):
    result = import_settings(
        tmp_path,
        DEBUG="0",
        SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="phaen.example.go.th",
        PHAEN_BEHIND_TLS_PROXY="1",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["SECURE_PROXY_SSL_HEADER"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]


def test_debug_on_keeps_a_development_key_under_var(tmp_path):
    result = import_settings(tmp_path, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["SESSION_COOKIE_SECURE"] is None
    assert (tmp_path / "dev-secret-key").read_text().strip()


@pytest.mark.django_db
def test_pages_carry_the_csp_and_security_headers(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_csp_nonce_is_new_for_every_response(client):
    first = client.get(reverse("login"))["Content-Security-Policy"]
    second = client.get(reverse("login"))["Content-Security-Policy"]
    assert first != second
