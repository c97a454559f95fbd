"""config.postgresql: the per-request health check is skipped only for a connection that
answered without error in the last HEALTH_CHECK_BYPASS_SECONDS."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.markers import postgresql_only

pytestmark = [
    postgresql_only("the health-check bypass is part of the PostgreSQL backend"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def checks(monkeypatch):
    """The health checks the connection really runs (is_usable: a `SELECT 1`)."""
    ran = []
    original = connection.is_usable

    def counted():
        ran.append(True)
        return original()

    monkeypatch.setattr(connection, "is_usable", counted)
    return ran


def request_using_the_database():
    connection.close_if_unusable_or_obsolete()  # request_started
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    connection.close_if_unusable_or_obsolete()  # request_finished


def test_the_engine_is_ours_and_health_checks_are_on():
    assert connection.settings_dict["ENGINE"] == "config.postgresql"
    connection.ensure_connection()
    assert connection.health_check_enabled


def test_a_connection_that_just_answered_is_not_checked_again(checks):
    connection.ensure_connection()
    request_using_the_database()
    checks.clear()

    request_using_the_database()

    assert checks == []


def test_an_idle_connection_is_checked(checks, monkeypatch):
    from config.postgresql import base

    connection.ensure_connection()
    request_using_the_database()
    checks.clear()
    later = connection.answered_at + base.HEALTH_CHECK_BYPASS_SECONDS + 0.01
    monkeypatch.setattr(base.time, "monotonic", lambda: later)

    request_using_the_database()

    assert checks == [True]


def test_a_connection_that_saw_an_error_is_checked_before_it_is_used_again(checks):
    connection.ensure_connection()
    request_using_the_database()
    checks.clear()

    connection.close_if_unusable_or_obsolete()  # a request starts, within the bypass window
    with pytest.raises(Exception), connection.cursor() as cursor:  # noqa: B017, PT011
        cursor.execute("SELECT * FROM no_such_table")
    assert checks == []  # it had just answered: no check before this request's query
    connection.close_if_unusable_or_obsolete()  # ... and ends with the error

    assert checks == [True]
    assert connection.answered_at is not None and not connection.errors_occurred
