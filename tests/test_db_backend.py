"""config.postgresql: the per-request health check is skipped only for a connection that
answered its last request without error and on which the server has sent nothing since."""

from __future__ import annotations

import time

import pytest
from django.db import connection, connections

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


def test_an_idle_connection_the_server_said_nothing_on_is_not_checked(checks, monkeypatch):
    connection.ensure_connection()
    request_using_the_database()
    checks.clear()
    time.sleep(0.6)  # idle: longer than any window of time would allow

    request_using_the_database()

    assert checks == []


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
def test_a_connection_the_server_ended_is_checked_and_replaced(checks):
    connection.ensure_connection()
    request_using_the_database()
    checks.clear()
    pid = connection.connection.info.backend_pid
    with connections["owner"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while connection.server_said_nothing() and time.monotonic() < deadline:
        time.sleep(0.01)

    request_using_the_database()  # would raise on the ended connection

    assert checks == [True]
    assert connection.connection.info.backend_pid != pid


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
