"""A Celery task run by a real worker sees only its organization's rows: the worker starts
each task with no organization (organizations.tenancy.ScopedTask), the task enters the scope
of the organization it was given, and PostgreSQL's row-level security holds under the ORM."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app
from customers.models import Customer
from organizations.tenancy import ScopeError, organization_scope
from tests.factories.customers import CustomerFactory
from tests.markers import postgresql_only

pytestmark = [
    pytest.mark.celery,
    postgresql_only("row-level security"),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL) for a real worker"),
]

SEEN: dict[str, object] = {}


@app.task(name="tests.tenancy.customers_seen")
def customers_seen(organization_id: int, other_pk: int) -> None:
    try:
        Customer.objects.count()
    except ScopeError:
        SEEN["unscoped"] = "refused"
    with organization_scope(organization_id):
        SEEN["orm"] = sorted(Customer.objects.values_list("name", flat=True))
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM customers_customer")
            SEEN["raw_all"] = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM customers_customer WHERE id = %s", [other_pk])
            SEEN["raw_other"] = cursor.fetchone()[0]


def test_a_task_in_a_real_worker_sees_only_its_organizations_rows(
    real_worker, tenant, other_tenant
):
    CustomerFactory(organization=tenant.org, name="Anne A")
    CustomerFactory(organization=tenant.org, name="Arne A")
    theirs = CustomerFactory(organization=other_tenant.org, name="Berit B")
    SEEN.clear()
    customers_seen.delay(tenant.org.pk, theirs.pk)
    deadline = time.monotonic() + 30
    while "raw_other" not in SEEN and time.monotonic() < deadline:
        time.sleep(0.05)
    assert SEEN == {
        "unscoped": "refused",
        "orm": ["Anne A", "Arne A"],
        "raw_all": 2,
        "raw_other": 0,
    }
