"""Case numbers stay distinct and consecutive when many cases are opened at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from cases.models import Case
from cases.services.cases import case_create
from organizations.tenancy import organization_scope
from tests.factories.cases import make_case

THREADS = 50


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_fifty_cases_created_concurrently_get_fifty_consecutive_numbers(tenant):
    org, actor = tenant.org, tenant.caseworker
    make_case(org, actor, title="Before the rush")  # the counter row exists already
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def open_case(i: int) -> None:
        try:
            start.wait(timeout=30)
            with organization_scope(org):  # as the request each thread stands for
                case_create(org=org, actor=actor, title=f"Phone call {i}")
        except BaseException as exc:  # reported below, a thread must not die silently
            errors.append(exc)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=open_case, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    numbers = sorted(
        Case.objects.filter(organization=org, title__startswith="Phone call").values_list(
            "number", flat=True
        )
    )
    assert numbers == list(range(2, THREADS + 2))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_first_cases_of_a_new_organization_created_concurrently_get_distinct_numbers(tenant):
    """No counter row yet: the racing creators must still not hand out a number twice."""
    org, actor = tenant.org, tenant.caseworker
    from cases.models import CaseCounter

    CaseCounter.objects.filter(organization=org).delete()
    count = 10
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def open_case(i: int) -> None:
        try:
            start.wait(timeout=30)
            with organization_scope(org):
                case_create(org=org, actor=actor, title=f"First {i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=open_case, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    numbers = sorted(Case.objects.filter(organization=org).values_list("number", flat=True))
    assert numbers == list(range(1, count + 1))
