"""The replica router's decisions in-process (config/db_router.py): which statements count as
writes, and when a read asked for the replica gets it. No replica is needed to decide; the
router is told one exists. test_replica.py checks the same against a real hot standby."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from config import db_router
from config.db_router import ReplicaRouter, forget_writes, is_write, read_alias, using_replica
from customers.models import Customer
from customers.views import customers as customer_views  # decorated before any test patches
from organizations.middleware import LAST_SEEN_KEY
from tests.factories.customers import CustomerFactory


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "customers_customer"."id" FROM "customers_customer"',
        "  (SELECT 1) UNION (SELECT 2)",
        "select count(*) from x",
        "SHOW TIME ZONE",
        'SAVEPOINT "s1"',
        'RELEASE SAVEPOINT "s1"',
        'ROLLBACK TO SAVEPOINT "s1"',
        'UPDATE "django_session" SET "session_data" = %s WHERE "session_key" = %s',
        'INSERT INTO "django_session" ("session_key") VALUES (%s)',
        'DELETE FROM "django_session" WHERE "session_key" = %s',
    ],
)
def test_reads_and_session_saves_are_no_writes(sql):
    assert not is_write(sql)


@pytest.mark.parametrize(
    "sql",
    [
        'INSERT INTO "customers_customer" ("name") VALUES (%s)',
        'UPDATE "customers_customer" SET "city" = %s',
        'DELETE FROM "customers_customer" WHERE "id" = %s',
        'SELECT "id" FROM "notifications_outboundmessage" FOR UPDATE SKIP LOCKED',
        'SELECT "id" FROM "x" FOR NO KEY UPDATE',
        'SELECT "id" FROM "x" FOR SHARE',
        "WITH moved AS (DELETE FROM x RETURNING id) SELECT * FROM moved",
        "WITH a AS (SELECT 1) SELECT * FROM a",  # counted as a write: the safe side
        "TRUNCATE x",
        "LOCK TABLE x",
        'UPDATE "django_session_extra" SET "x" = 1',
    ],
)
def test_everything_else_counts_as_a_write(sql):
    assert is_write(sql)


@pytest.fixture
def router(monkeypatch):
    """The router, with a replica it may choose (never connected to here)."""
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    forget_writes()
    return ReplicaRouter()


@pytest.mark.django_db(transaction=True)
def test_a_read_goes_to_the_replica_only_when_asked_outside_transactions_and_writes(router):
    assert router.db_for_read(Customer) == "default"  # not asked
    with using_replica():
        assert router.db_for_read(Customer) == "replica"
        with transaction.atomic():
            assert router.db_for_read(Customer) == "default"
        assert router.db_for_read(Customer) == "replica"
    assert read_alias() == "default"


@pytest.mark.django_db(transaction=True)
def test_after_a_write_reads_stay_on_the_primary_until_the_next_request(router, tenant):
    forget_writes()  # the fixtures wrote: start as a new request does
    with using_replica():
        assert read_alias() == "replica"
    CustomerFactory(organization=tenant.org)  # a write in autocommit, committed at once
    with using_replica():
        assert read_alias() == "default"
    forget_writes()  # request_started and Celery's task_prerun do this
    with using_replica():
        assert read_alias() == "replica"

    # A request starts unpinned, and saving its session (after the view) pins nothing.
    CustomerFactory(organization=tenant.org)
    client = Client()
    client.force_login(tenant.caseworker)
    response = client.get(f"/{tenant.org.slug}/customers/?q=x")
    assert response.status_code == 200
    assert LAST_SEEN_KEY in client.session  # the request saved the session
    with using_replica():
        assert read_alias() == "replica"


def test_writes_go_to_the_primary_also_for_rows_read_from_the_replica(router):
    row, other = Customer(organization_id=1, name="a"), Customer(organization_id=1, name="b")
    row._state.db = "replica"
    with using_replica():
        assert router.db_for_write(Customer, instance=row) == "default"
    other._state.db = "default"
    assert router.allow_relation(row, other)
    assert router.allow_migrate("replica", "customers") is False
    assert router.allow_migrate("default", "customers") is None


def test_without_a_replica_the_helper_changes_nothing():
    assert not db_router.replica_configured()
    with using_replica():
        assert read_alias() == "default"


def test_without_a_replica_the_search_pages_keep_the_requests_transaction():
    for view in (customer_views.customer_list, customer_views.customer_options):
        assert not getattr(view, "_non_atomic_requests", set())
