"""Test mode is an explicit setting, never "pytest is importable" (issue 9, item 14).

Production switches (the demo secret key, MD5 password hashing, the hosts check, the HTTPS
settings) must not flip because some code in the process imported pytest. Tests turn test mode
on with SAKSFLYT_TESTING=1, set for every run through pyproject.toml's pytest `env` (pytest-env,
which sets it before pytest-django loads the settings)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

# Imports pytest first, then loads the real settings module and prints what matters.
PROGRAM = """
import json, os, pytest, django
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
from django.conf import settings
print(json.dumps({
    "testing": settings.TESTING,
    "secret_key": settings.SECRET_KEY,
    "hashers": settings.PASSWORD_HASHERS,
    "ssl_redirect": getattr(settings, "SECURE_SSL_REDIRECT", False),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "hsts": settings.SECURE_HSTS_SECONDS,
}))
"""
PRODUCTION = {
    "DEBUG": "false",
    "DATABASE_URL": "postgres://saksflyt@127.0.0.1:5432/saksflyt",
}


def _load_settings(tmp_path, **environ: str) -> subprocess.CompletedProcess:
    """A fresh interpreter with only PATH, HOME and `environ` (no SAKSFLYT_TESTING)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    env.update(SAKSFLYT_VAR_DIR=str(tmp_path), **environ)
    return subprocess.run(
        [sys.executable, "-c", PROGRAM],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_importing_pytest_does_not_allow_a_missing_secret_key(tmp_path):
    result = _load_settings(tmp_path, ALLOWED_HOSTS="saksflyt.example.com", **PRODUCTION)
    assert result.returncode != 0, result.stdout
    assert "The environment variable SECRET_KEY must be set" in result.stderr


def test_importing_pytest_does_not_skip_the_hosts_check(tmp_path):
    result = _load_settings(tmp_path, SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION)
    assert result.returncode != 0, result.stdout
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_importing_pytest_keeps_strong_hashing_and_https_settings(tmp_path):
    key = secrets.token_urlsafe(50)
    result = _load_settings(
        tmp_path, SECRET_KEY=key, ALLOWED_HOSTS="saksflyt.example.com", **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["testing"] is False
    assert loaded["secret_key"] == key
    assert not any("MD5" in hasher for hasher in loaded["hashers"])
    assert loaded["ssl_redirect"] is True
    assert loaded["session_cookie_secure"] is True
    assert loaded["hsts"] > 0


def test_the_explicit_switch_turns_test_mode_on(tmp_path):
    result = _load_settings(tmp_path, SAKSFLYT_TESTING="1", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["testing"] is True
    assert loaded["hashers"] == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert loaded["ssl_redirect"] is False


def test_this_test_run_is_in_test_mode_through_the_pytest_configuration():
    assert os.environ.get("SAKSFLYT_TESTING") == "1"
    assert settings.TESTING is True
