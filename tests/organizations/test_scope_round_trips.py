"""The tenancy wrapper (organizations/tenancy.py) sends the scope's settings with the statement
that needs them, in one round trip, read from libpq's own protocol trace."""

from __future__ import annotations

import tempfile

import pytest
from django.db import IntegrityError, connection, transaction

from organizations.models import Organization
from organizations.tenancy import organization_scope
from tests.markers import postgresql_only

pytestmark = [
    postgresql_only("the settings are PostgreSQL's row-level security"),
    pytest.mark.django_db(transaction=True),
]


def round_trips(run) -> tuple[int, str]:
    """Run `run()` with libpq tracing; the client's Sync and simple Query messages each end a
    round trip (each is answered by ReadyForQuery)."""
    from psycopg import pq

    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    with tempfile.TemporaryFile("w+") as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            run()
        finally:
            pgconn.untrace()
        trace.seek(0)
        text = trace.read()
    sent = [line.split("\t") for line in text.splitlines()]
    ends = [fields for fields in sent if len(fields) > 2 and fields[0] == "F"]
    return sum(1 for fields in ends if fields[2].startswith(("Sync", "Query"))), text


def read_setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.organization_id', true)")
        return cursor.fetchone()[0]


def test_the_settings_and_the_statement_go_in_one_round_trip(tenant):
    org = tenant.org

    def first_statement_of_a_scoped_transaction():
        with organization_scope(org), transaction.atomic():
            assert Organization.objects.filter(pk=org.pk).exists()
            assert read_setting() == str(org.pk)

    trips, text = round_trips(first_statement_of_a_scoped_transaction)
    # BEGIN (psycopg syncs after it), the settings with EXISTS, the setting read back, COMMIT:
    # four; the settings on their own were a fifth.
    assert trips == 4, text
    assert "set_config" in text


def test_a_failing_first_statement_raises_djangos_error_and_the_scope_is_sent_again(tenant):
    org = tenant.org
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE twice (id int PRIMARY KEY)")
    with organization_scope(org):
        # The first statement under this scope: it goes in one pipeline with the settings, and
        # its error comes as the pipeline ends.
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO twice VALUES (1), (1)")
        with transaction.atomic():
            assert read_setting() == str(org.pk)
            assert list(Organization.objects.values_list("pk", flat=True)) == [org.pk]


def test_the_case_pages_inquiry_tray_count_goes_with_the_pages_other_reads(tenant, staff_client):
    """The top bar's tray count is one of the case page's read-ahead reads (one round trip
    for all of them), not a round trip of its own while the page renders."""
    from tests.factories.cases import make_case

    case = make_case(tenant.org, tenant.caseworker, title="Lekkasje")
    url = f"/{tenant.org.slug}/cases/{case.number}/"
    staff_client.get(url)
    connection.ensure_connection()
    raw = connection.connection
    threshold, raw.prepare_threshold = raw.prepare_threshold, None  # every statement's text
    try:
        _trips, text = round_trips(lambda: staff_client.get(url))
    finally:
        raw.prepare_threshold = threshold

    # What the client sent, cut into round trips at each Sync.
    sent = "\n".join(line for line in text.splitlines() if line.startswith("F\t"))
    batches = sent.split("\tSync")
    with_tray = [batch for batch in batches if 'COUNT("inquiries_inquiry"' in batch]
    assert len(with_tray) == 1
    assert '"cases_caseevent"' in with_tray[0]
