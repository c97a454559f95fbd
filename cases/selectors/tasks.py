"""Reads for tasks, including what a supplier user may see: only tasks given to their supplier."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cases.models import Attachment, Task
from organizations.models import Membership, Organization, User
from organizations.scoping import for_org


def tasks_for_supplier_user(org: Organization, user: User) -> QuerySet[Task]:
    """Tasks of `org` given to a supplier that `user` works for, open ones first.

    Used by the supplier's "My work" page; each row carries its case or deviation and property.
    """
    return (
        for_org(Task, org)
        .filter(supplier__organization=org, supplier__users=user)
        .select_related(
            "case",
            "case__property",
            "deviation",
            "deviation__property",
            "supplier",
            "completed_by",
        )
        .order_by("status", "due_date", "created_at", "id")
    )


def task_for_member_or_404(
    org: Organization, user: User, membership: Membership, *, number: int, task_id: int
) -> Task:
    """The task `task_id` of case `number`, if the member may see it; 404 otherwise.

    Staff see every task of the organization; a supplier user only the tasks of their supplier.
    """
    tasks = for_org(Task, org) if membership.is_staff_role else tasks_for_supplier_user(org, user)
    task = (
        tasks.select_related("case", "case__property", "assignee", "supplier", "completed_by")
        .filter(case__organization=org, case__number=number, pk=task_id)
        .first()
    )
    if task is None:
        raise Http404
    return task


def task_attachments(org: Organization, task: Task) -> list[Attachment]:
    return list(
        Attachment.objects.filter(organization=org, task=task)
        .select_related("uploaded_by")
        .order_by("created_at", "id")
    )


def attachment_for_member_or_404(
    org: Organization, user: User, membership: Membership, *, number: int, attachment_id: int
) -> Attachment:
    """An attachment of case `number`, if the member may see it; 404 otherwise.

    Staff may see every attachment of the organization; a supplier user only those on the tasks
    of their supplier.
    """
    attachments = for_org(Attachment, org).filter(
        case__organization=org, case__number=number, pk=attachment_id
    )
    if not membership.is_staff_role:
        attachments = attachments.filter(
            task__organization=org, task__supplier__organization=org, task__supplier__users=user
        )
    attachment = attachments.first()
    if attachment is None:
        raise Http404
    return attachment
