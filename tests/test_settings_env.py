"""Settings come from the environment through typed readers that fail loudly, naming names."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import Env

ROOT = Path(__file__).resolve().parent.parent


# --- config.env.Env ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("YES", True), (" on ", True), ("0", False), ("False", False),
     ("no", False), ("off", False), ("", False)],
)  # fmt: skip
def test_bool_reads_the_usual_spellings(raw, expected):
    assert Env({"FLAG": raw}).bool("FLAG", default=not expected) is expected


def test_bool_uses_the_default_when_unset():
    assert Env({}).bool("FLAG", default=True) is True
    assert Env({}).bool("FLAG", default=False) is False


def test_bool_error_names_the_variable_and_value():
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG must be a boolean.*'maybe'"):
        Env({"DEBUG": "maybe"}).bool("DEBUG", default=False)


def test_int_reads_whole_numbers_and_defaults_when_empty():
    assert Env({"N": " 42 "}).int("N", 7) == 42
    assert Env({"N": ""}).int("N", 7) == 7
    assert Env({}).int("N", 7) == 7


def test_int_error_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match=r"SESSION_IDLE_TIMEOUT must be a whole number"):
        Env({"SESSION_IDLE_TIMEOUT": "2h"}).int("SESSION_IDLE_TIMEOUT", 60)


def test_int_below_the_minimum_names_the_variable_and_minimum():
    with pytest.raises(ImproperlyConfigured, match=r"AXES_FAILURE_LIMIT must be at least 1, not 0"):
        Env({"AXES_FAILURE_LIMIT": "0"}).int("AXES_FAILURE_LIMIT", 5, minimum=1)


def test_list_splits_on_commas_and_drops_blanks():
    env = Env({"HOSTS": " a.example, b.example ,,"})

    assert env.list("HOSTS") == ["a.example", "b.example"]
    assert Env({}).list("HOSTS", ["x"]) == ["x"]
    assert Env({}).list("HOSTS") == []


def test_url_accepts_the_allowed_schemes_only():
    env = Env({"DATABASE_URL": "postgres://u:p@db:5432/saksflyt"})

    assert env.url("DATABASE_URL", schemes=("postgres",)) == "postgres://u:p@db:5432/saksflyt"
    assert Env({}).url("DATABASE_URL", schemes=("postgres",)) is None


def test_url_error_names_the_variable_and_hides_the_credentials():
    env = Env({"REDIS_URL": "http://user:s3cret@cache:6379/0"})

    with pytest.raises(
        ImproperlyConfigured,
        match=r"REDIS_URL must be a URL starting with one of redis://, rediss://",
    ) as exc:
        env.url("REDIS_URL", schemes=("redis", "rediss"))

    assert "s3cret" not in str(exc.value)


def test_url_without_a_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        Env({"DATABASE_URL": "localhost/saksflyt"}).url("DATABASE_URL", schemes=("postgres",))


def test_choice_accepts_listed_values_and_names_the_variable_otherwise():
    assert Env({"LANGUAGE_CODE": "sv"}).choice("LANGUAGE_CODE", "nb", ("nb", "sv")) == "sv"
    assert Env({}).choice("LANGUAGE_CODE", "nb", ("nb", "sv")) == "nb"
    with pytest.raises(
        ImproperlyConfigured, match=r"LANGUAGE_CODE must be one of nb, sv, not 'fi'"
    ):
        Env({"LANGUAGE_CODE": "fi"}).choice("LANGUAGE_CODE", "nb", ("nb", "sv"))


def test_str_required_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        Env({"SECRET_KEY": "  "}).str("SECRET_KEY", required=True)
    assert Env({}).str("TIME_ZONE", "Europe/Oslo") == "Europe/Oslo"


# --- The real settings module, in a fresh interpreter with a clean environment -------------


def _manage(*args: str, **environ: str) -> subprocess.CompletedProcess:
    """Run manage.py with only PATH, HOME and `environ`: nothing of the test run leaks in."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    env.update(environ)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_fails_naming_debug_when_debug_is_not_a_boolean(tmp_path):
    result = _manage("check", DEBUG="maybe", SAKSFLYT_VAR_DIR=str(tmp_path))

    assert result.returncode != 0
    assert "The environment variable DEBUG must be a boolean" in result.stderr


def test_production_without_secret_key_fails_naming_secret_key(tmp_path):
    result = _manage(
        "check",
        DEBUG="false",
        ALLOWED_HOSTS="saksflyt.example.com",
        DATABASE_URL="postgres://saksflyt@127.0.0.1:5432/saksflyt",
        SAKSFLYT_VAR_DIR=str(tmp_path),
    )

    assert result.returncode != 0
    assert "The environment variable SECRET_KEY must be set" in result.stderr


def test_production_without_allowed_hosts_fails_naming_allowed_hosts(tmp_path):
    result = _manage(
        "check",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        SAKSFLYT_VAR_DIR=str(tmp_path),
    )

    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_settings_pass_the_deploy_check_without_warnings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="saksflyt.example.com",
        DATABASE_URL="postgres://saksflyt@127.0.0.1:5432/saksflyt",
        SAKSFLYT_VAR_DIR=str(tmp_path),
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


def test_demo_mode_needs_no_environment_at_all(tmp_path):
    result = _manage("check", SAKSFLYT_VAR_DIR=str(tmp_path))

    assert result.returncode == 0, result.stderr


def test_readme_documents_every_environment_variable_the_settings_read():
    source = (ROOT / "config" / "settings.py").read_text()
    names = set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"', source))
    for template, keys in re.findall(
        r'env\.\w+\(f"(\w*)\{key\}"\)\s+for key in \(([^)]*)\)', source
    ):
        names |= {template + key for key in re.findall(r'"(\w+)"', keys)}
    assert {"DATABASE_URL", "SECRET_KEY", "ANYMAIL_POSTMARK_SERVER_TOKEN"} <= names

    readme = (ROOT / "README.md").read_text()
    undocumented = sorted(name for name in names if f"`{name}`" not in readme)

    assert not undocumented, f"README.md's configuration tables lack {undocumented}"
