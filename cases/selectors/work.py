"""Reads behind "My work": what a supplier user's company was given, or a caseworker's tasks."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import Case, Task
from cases.selectors.tasks import tasks_for_supplier_user
from customers.models import Supplier
from organizations.models import Organization, User

WORK_LIMIT = 200


def suppliers_of_user(org: Organization, user: User) -> list[Supplier]:
    """The organization's suppliers that `user` works for."""
    return list(Supplier.objects.filter(organization=org, users=user).order_by("name"))


def supplier_tasks(org: Organization, user: User, *, include_done: bool) -> QuerySet[Task]:
    tasks = tasks_for_supplier_user(org, user)
    if include_done:
        return tasks
    # A task left open on a closed case (closed through the API) is no work any more.
    return tasks.filter(status=Task.Status.OPEN).exclude(case__status=Case.Status.CLOSED)


def supplier_cases(
    org: Organization, suppliers: list[Supplier], *, include_closed: bool
) -> QuerySet[Case]:
    """Cases of `org` given to any of `suppliers`, earliest deadline first."""
    cases = (
        Case.objects.filter(organization=org, supplier__in=suppliers)
        .select_related("property", "supplier")
        .defer("resolution")
        .order_by("deadline", "-created_at", "-id")
    )
    return cases if include_closed else cases.filter(status__in=Case.OPEN_STATUSES)


def my_open_tasks(org: Organization, user: User) -> QuerySet[Task]:
    return (
        Task.objects.filter(organization=org, assignee=user, status=Task.Status.OPEN)
        .select_related("case", "case__property", "deviation", "deviation__property", "supplier")
        .order_by("due_date", "created_at", "id")
    )
