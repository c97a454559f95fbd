"""CI guard (issue 9, item 18): in CI nothing that needs PostgreSQL or Redis may be skipped.

The PostgreSQL-only and Redis-only tests skip themselves when DATABASE_URL or REDIS_URL is
missing, which is right on a laptop (`make test` with SQLite) and wrong in CI, where a missing
service would leave the run green. With SAKSFLYT_CI set (`.ci/run` sets it) the session refuses
to start without both URLs, and a test skipped for a PostgreSQL or Redis reason is an error.

Hooks only; tests/conftest.py imports them (and a test loads this module with `-p`).
"""

from __future__ import annotations

import os
import re

import pytest

# A skip reason that names a service the CI machine must have.
SERVICE_REASON = re.compile(r"\b(postgres(ql)?|redis)\b", re.IGNORECASE)


def in_ci() -> bool:
    return os.environ.get("SAKSFLYT_CI", "").strip().lower() in {"1", "true", "yes", "on"}


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr or "")


def _service_skip_to_error(report) -> None:
    if not (in_ci() and report.skipped) or hasattr(report, "wasxfail"):
        return
    reason = _skip_reason(report)
    if SERVICE_REASON.search(reason):
        report.outcome = "failed"
        report.longrepr = (
            f"SAKSFLYT_CI is set, so this may not be skipped: {reason!r}. CI must run every"
            " PostgreSQL and Redis test (DATABASE_URL and REDIS_URL)."
        )


def pytest_sessionstart(session) -> None:
    if not in_ci():
        return
    missing = []
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        missing.append("DATABASE_URL (a postgres:// URL)")
    if not os.environ.get("REDIS_URL", "").startswith(("redis://", "rediss://")):
        missing.append("REDIS_URL")
    if missing:
        pytest.exit(
            f"SAKSFLYT_CI is set, but this is missing: {' and '.join(missing)}. CI runs against"
            " PostgreSQL and Redis.",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _service_skip_to_error(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _service_skip_to_error(outcome.get_result())
