"""Tasks on a case or a deviation: given to a staff member or to a supplier (never both),
completed, reopened. A deviation's task keeps its files and history on the deviation
(`cases.services.deviation_tasks`)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, Deviation, Task
from cases.services.attachments import attachments_check, attachments_store, files_removed_on_error
from cases.services.cases import case_message_values, case_url, staff_user_ids
from cases.services.closing import task_case_closed_refuse
from cases.services.dates import date_check
from cases.services.deviation_tasks import (
    deviation_task_added,
    deviation_task_completed,
    deviation_task_reopened,
    deviation_task_url,
)
from cases.services.events import event_record
from customers.models import Supplier
from notifications.models import Notification, OutboundMessage
from notifications.staff import absolute_url, notify_staff, supplier_email, supplier_users
from organizations.models import Organization, User

Kind = CaseEvent.Kind


def task_url(task: Task) -> str:
    if task.deviation_id:
        return deviation_task_url(task)
    return reverse(
        "cases:task_detail",
        kwargs={
            "org_slug": task.case.organization.slug,
            "number": task.case.number,
            "task_id": task.pk,
        },
    )


def task_add(
    *,
    org: Organization,
    actor: User,
    case: Case | None = None,
    deviation: Deviation | None = None,
    title: str,
    description: str = "",
    assignee: User | None = None,
    supplier: Supplier | None = None,
    due_date: datetime.date | None = None,
    uploads: Sequence[UploadedFile] = (),
) -> Task:
    """A task on `case` or on `deviation` (exactly one of them)."""
    title = (title or "").strip()
    if (case is None) == (deviation is None):
        raise ValueError("a task belongs to a case or to a deviation")
    parent = case if case is not None else deviation
    if parent.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    if not title:
        raise ValidationError({"title": _("A task needs a title.")})
    if assignee is not None and supplier is not None:
        raise ValidationError(
            _("Give the task to a colleague or to a supplier, not both."), code="both"
        )
    if assignee is not None and not staff_user_ids(org, [assignee.pk]):
        raise ValidationError(
            {"assignee": _("Tasks can only be given to staff of this organization.")}
        )
    if supplier is not None and (supplier.organization_id != org.pk or not supplier.is_active):
        raise ValidationError({"supplier": _("Choose an active supplier of this organization.")})
    date_check(due_date, "due_date")
    checked = attachments_check(uploads)
    with files_removed_on_error() as written, transaction.atomic():
        task = Task.objects.create(
            organization=org,
            case=case,
            deviation=deviation,
            title=title[:200],
            description=(description or "").strip(),
            assignee=assignee,
            supplier=supplier,
            due_date=due_date,
            created_by=actor,
        )
        if deviation is not None:
            deviation_task_added(org=org, actor=actor, task=task, checked=checked, written=written)
            return task
        attachments_store(
            org=org, actor=actor, case=case, checked=checked, written=written, task=task
        )
        event_record(
            case=case,
            actor=actor,
            kind=Kind.TASK_ADDED,
            new=task.title,
            task=task,
            data={
                "assignee": str(assignee) if assignee else "",
                "supplier": str(supplier) if supplier else "",
                "due_date": due_date.isoformat() if due_date else "",
            },
        )
        _notify_task(org, actor, task)
    return task


def _notify_task(org: Organization, actor: User, task: Task) -> None:
    """The assignee, or the supplier's active users, hear about their new task: the bell, and
    an e-mail for those who chose one; a supplier's own address gets the e-mail too."""
    if task.assignee_id:
        recipients = [task.assignee]
        url = f"{case_url(task.case)}#task-{task.pk}"
    elif task.supplier_id:
        recipients = supplier_users(org, task.supplier)
        url = task_url(task)
    else:
        return
    values = {**case_message_values(task.case), "task_title": task.title}
    notify_staff(
        org=org,
        actor=actor,
        recipients=recipients,
        kind=Notification.Kind.TASK,
        text=lambda: (
            _("New task on case #%(number)s: %(title)s")
            % {"number": task.case.number, "title": task.title}
        ),
        url=url,
        email_values=values,
    )
    if task.supplier_id:
        supplier_email(
            org=org,
            actor=actor,
            supplier=task.supplier,
            kind=OutboundMessage.Kind.TASK_ASSIGNED,
            values={**values, "link": absolute_url(url)},
            users=[],
            skip_addresses=[u.email for u in recipients],
        )


def task_complete(
    *,
    org: Organization,
    actor: User,
    task: Task,
    note: str = "",
    uploads: Sequence[UploadedFile] = (),
) -> Task:
    """Mark the task done with an optional completion note and documentation files."""
    if task.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    if task.is_done:
        raise ValidationError(_("This task is already completed."))
    task_case_closed_refuse(task)
    checked = attachments_check(uploads)
    with files_removed_on_error() as written, transaction.atomic():
        task.status = Task.Status.DONE
        task.completion_note = (note or "").strip()
        task.completed_at = timezone.now()
        task.completed_by = actor
        task.save(update_fields=["status", "completion_note", "completed_at", "completed_by"])
        if task.deviation_id:
            deviation_task_completed(
                org=org, actor=actor, task=task, checked=checked, written=written
            )
            return task
        attachments_store(
            org=org, actor=actor, case=task.case, checked=checked, written=written, task=task
        )
        event_record(
            case=task.case,
            actor=actor,
            kind=Kind.TASK_DONE,
            old=task.title,
            new=task.completion_note,
            task=task,
        )
        _notify_task_done(org, actor, task)
    return task


def _notify_task_done(org: Organization, actor: User, task: Task) -> None:
    """The case's assignee (and whoever gave the task, if another colleague) hear that it is
    done — a supplier's work above all: the bell, and an e-mail for those who want task
    e-mails. Nobody hears of their own completion."""
    case = task.case
    ids = {case.assignee_id, task.created_by_id} - {None}
    staff = staff_user_ids(org, ids)
    recipients = [u for u in (case.assignee, task.created_by) if u is not None and u.pk in staff]
    if not recipients:
        return
    notify_staff(
        org=org,
        actor=actor,
        recipients=recipients,
        kind=Notification.Kind.TASK_DONE,
        text=lambda: (
            _("%(who)s completed the task “%(task)s” on case #%(number)s")
            % {"who": actor.get_full_name(), "task": task.title, "number": case.number}
        ),
        url=f"{case_url(case)}#task-{task.pk}",
        email_values={
            **case_message_values(case),
            "task_title": task.title,
            "message": task.completion_note,
        },
    )


@transaction.atomic
def task_reopen(*, org: Organization, actor: User, task: Task) -> Task:
    if task.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    if not task.is_done:
        raise ValidationError(_("This task is still open."))
    task_case_closed_refuse(task)
    task.status = Task.Status.OPEN
    task.completed_at = None
    task.completed_by = None
    task.save(update_fields=["status", "completed_at", "completed_by"])
    if task.deviation_id:
        deviation_task_reopened(org=org, actor=actor, task=task)
        return task
    # There is no own kind for this: a field event on the task's status, rendered as "reopened".
    event_record(
        case=task.case,
        actor=actor,
        kind=Kind.FIELD,
        field="task_status",
        old=Task.Status.DONE,
        new=Task.Status.OPEN,
        task=task,
    )
    return task
