"""The deviation side of tasks: `cases.services.tasks` validates and saves a task, then hands a
deviation's task here for its files (`DeviationFile` rows with the task), its history (audit
events on the task, module "deviations", shown on the deviation page) and its notices.

Notices are in-app only: the task e-mail templates speak of cases, so a deviation task sends no
e-mail rather than a wrong one.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from cases.models import Task
from cases.services.attachments import CheckedUpload
from cases.services.deviation_files import deviation_files_store
from notifications.models import Notification
from notifications.staff import notify_staff, supplier_users
from organizations.audit import audit_build, audit_bulk_create, display_value
from organizations.models import Organization, User
from organizations.models_audit import AuditAction

MODULE = "deviations"


def deviation_task_url(task: Task) -> str:
    return reverse(
        "cases:deviation_task_detail",
        kwargs={
            "org_slug": task.deviation.organization.slug,
            "deviation_number": task.deviation.number,
            "deviation_task_id": task.pk,
        },
    )


def _record(org, actor, task: Task, action: str, changes: dict, files=()) -> None:
    events = [
        audit_build(org=org, actor=actor, module=MODULE, obj=task, action=action, changes=changes)
    ]
    events += [
        audit_build(
            org=org,
            actor=actor,
            module=MODULE,
            obj=task,
            action=AuditAction.ATTACHED,
            changes={"file": ["", row.original_name]},
        )
        for row in files
    ]
    audit_bulk_create(events)


def deviation_task_added(
    *,
    org: Organization,
    actor: User | None,
    task: Task,
    checked: Sequence[CheckedUpload],
    written: list[str],
) -> None:
    """A new task on a deviation: its files, its history entry and the notice to whoever got
    it. Runs in `task_add`'s transaction."""
    files = deviation_files_store(
        org=org,
        actor=actor,
        deviation=task.deviation,
        checked=checked,
        written=written,
        task=task,
    )
    changes = {
        name: ["", display_value(task, name)]
        for name in ("title", "description", "assignee", "supplier", "due_date")
        if display_value(task, name)
    }
    _record(org, actor, task, AuditAction.CREATED, changes, files)
    if task.assignee_id:
        recipients = [task.assignee]
    elif task.supplier_id:
        recipients = supplier_users(org, task.supplier)
    else:
        return
    deviation = task.deviation
    notify_staff(
        org=org,
        actor=actor,
        recipients=recipients,
        kind=Notification.Kind.OTHER,
        text=lambda: (
            _("New task on deviation #%(number)s: %(title)s")
            % {"number": deviation.number, "title": task.title}
        ),
        url=deviation_task_url(task),
    )


def deviation_task_completed(
    *,
    org: Organization,
    actor: User | None,
    task: Task,
    checked: Sequence[CheckedUpload],
    written: list[str],
) -> None:
    files = deviation_files_store(
        org=org,
        actor=actor,
        deviation=task.deviation,
        checked=checked,
        written=written,
        task=task,
    )
    changes = {"status": [_source_label(Task.Status.OPEN), display_value(task, "status")]}
    if task.completion_note:
        changes["completion_note"] = ["", task.completion_note]
    _record(org, actor, task, AuditAction.CLOSED, changes, files)


def deviation_task_reopened(*, org: Organization, actor: User | None, task: Task) -> None:
    changes = {"status": [_source_label(Task.Status.DONE), display_value(task, "status")]}
    _record(org, actor, task, AuditAction.REOPENED, changes)


def _source_label(status: str) -> str:
    """A task status as the audit trail stores it: its label in the source language."""
    with translation.override(None):
        return str(Task.Status(status).label)
