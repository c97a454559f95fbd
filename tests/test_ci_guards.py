"""CI guards (issue 9, item 18): `make test` checks formatting and migrations, CI cannot pass
with PostgreSQL or Redis missing, and the suite never touches Redis database 0."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from django.conf import settings

from config.redis_url import redis_database, redis_url_for_tests

ROOT = Path(__file__).resolve().parent.parent


# --- make test and .ci/run ------------------------------------------------------------------


def test_make_test_checks_formatting_and_migrations():
    result = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    commands = result.stdout.splitlines()
    assert any(c.endswith("ruff format --check .") for c in commands), commands
    assert any("manage.py makemigrations --check --dry-run" in c for c in commands), commands
    pytest_at = next(i for i, c in enumerate(commands) if " -m pytest" in c)
    checks_at = max(i for i, c in enumerate(commands) if "makemigrations --check" in c)
    assert checks_at < pytest_at


def test_ci_runs_in_ci_mode_on_a_redis_database_other_than_0():
    script = (ROOT / ".ci" / "run").read_text()
    assert "export SAKSFLYT_CI=1" in script
    [redis_url] = [
        line.split("=", 1)[1]
        for line in script.splitlines()
        if line.startswith("export REDIS_URL=")
    ]
    assert redis_database(redis_url) != 0


def test_the_migration_check_passes_on_this_tree():
    env = {**os.environ, "SAKSFLYT_TESTING": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- The Redis database of the tests ---------------------------------------------------------


def test_this_run_does_not_use_redis_database_0():
    if settings.REDIS_URL:
        assert redis_database(settings.REDIS_URL) != 0
        assert redis_database(settings.CACHES["default"]["LOCATION"]) != 0
        assert redis_database(settings.CELERY_BROKER_URL) != 0


def test_redis_database_0_is_moved_to_15_and_a_chosen_database_is_kept():
    assert redis_url_for_tests("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/15"
    assert redis_url_for_tests("redis://127.0.0.1:6379") == "redis://127.0.0.1:6379/15"
    assert redis_url_for_tests("redis://h/3?db=0") == "redis://h/15"
    assert redis_url_for_tests("rediss://:pw@h:6380/0?ssl_cert_reqs=none") == (
        "rediss://:pw@h:6380/15?ssl_cert_reqs=none"
    )
    assert redis_url_for_tests("redis://127.0.0.1:6379/7") == "redis://127.0.0.1:6379/7"


def test_settings_move_redis_database_0_only_in_test_mode(tmp_path):
    program = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings';"
        "from django.conf import settings;"
        "print(settings.REDIS_URL, settings.CACHES['default']['LOCATION'],"
        " settings.CELERY_BROKER_URL)"
    )
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "SAKSFLYT_VAR_DIR": str(tmp_path),
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DEBUG": "true",
    }

    def urls(**extra) -> list[str]:
        result = subprocess.run(
            [sys.executable, "-c", program],
            cwd=ROOT,
            env={**base, **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert urls(SAKSFLYT_TESTING="1") == ["redis://127.0.0.1:6379/15"] * 3
    assert urls() == ["redis://127.0.0.1:6379/0"] * 3  # production keeps its database


# --- The CI guard: skipped PostgreSQL/Redis tests are errors in CI ---------------------------

SAMPLE = textwrap.dedent(
    """
    import pytest

    @pytest.mark.skipif(True, reason="PostgreSQL only: needs concurrent transactions")
    def test_needs_postgresql():
        pass

    @pytest.mark.skipif(True, reason="needs Redis (REDIS_URL)")
    def test_needs_redis():
        pass

    @pytest.mark.skip(reason="not on this platform")
    def test_skipped_for_another_reason():
        pass

    def test_plain():
        pass
    """
)


def _run_sample(tmp_path, **environ: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "PYTHONPATH": str(ROOT),
        **environ,
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.ci_guard", "-p", "no:django"]
        + ["-p", "no:cacheprovider", "-c", os.devnull, "--rootdir", str(tmp_path), "-rA"]
        + [str(tmp_path / "test_sample.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


SERVICES = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
}


def test_outside_ci_service_skips_are_plain_skips(tmp_path):
    result = _run_sample(tmp_path)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 3 skipped" in result.stdout


def test_in_ci_a_postgresql_or_redis_skip_fails_the_run(tmp_path):
    result = _run_sample(tmp_path, SAKSFLYT_CI="1", **SERVICES)
    assert result.returncode == 1, result.stdout
    assert "ERROR" in result.stdout and "test_needs_postgresql" in result.stdout
    assert "2 errors" in result.stdout
    assert "1 passed, 1 skipped" in result.stdout  # the other skip stays a skip
    assert "SAKSFLYT_CI is set, so this may not be skipped" in result.stdout


def test_in_ci_missing_service_urls_stop_the_run(tmp_path):
    result = _run_sample(tmp_path, SAKSFLYT_CI="1", REDIS_URL=SERVICES["REDIS_URL"])
    assert result.returncode == 4, result.stdout
    assert "DATABASE_URL" in result.stdout + result.stderr
