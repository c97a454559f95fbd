"""Closing a case that still has open tasks: refused unless the caseworker confirmed, then the
open tasks are closed with it (marked done with a note saying so, each with its history entry),
so no supplier or colleague is left working on a closed case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import Case, CaseEvent, Task
from cases.services.events import event_build, events_save
from organizations.models import User

OPEN_TASKS = "open_tasks"  # the ValidationError code views look for to ask for confirmation


def open_tasks(case: Case) -> list[Task]:
    return list(
        Task.objects.filter(
            organization_id=case.organization_id, case=case, status=Task.Status.OPEN
        )
        .select_related("assignee", "supplier")
        .order_by("due_date", "created_at", "id")
    )


def open_tasks_refuse(case: Case) -> None:
    """Raise (code OPEN_TASKS) if `case` has open tasks."""
    count = Task.objects.filter(
        organization_id=case.organization_id, case=case, status=Task.Status.OPEN
    ).count()
    if count:
        raise ValidationError(
            ngettext(
                "The case has %(count)d open task. Confirm to close it with the case.",
                "The case has %(count)d open tasks. Confirm to close them with the case.",
                count,
            )
            % {"count": count},
            code=OPEN_TASKS,
        )


def open_tasks_close(*, actor: User | None, case: Case) -> list[Task]:
    """Mark the case's open tasks done, noting they were closed with the case (one update and
    one insert of history entries, whatever their number). Runs in the closing transaction."""
    tasks = open_tasks(case)
    if not tasks:
        return tasks
    note = _("Closed with the case.")
    now = timezone.now()
    Task.objects.filter(pk__in=[t.pk for t in tasks]).update(
        status=Task.Status.DONE, completion_note=note, completed_at=now, completed_by=actor
    )
    events = []
    for task in tasks:
        task.status, task.completion_note = Task.Status.DONE, note
        task.completed_at, task.completed_by = now, actor
        events.append(
            event_build(
                case=case,
                actor=actor,
                kind=CaseEvent.Kind.TASK_DONE,
                old=task.title,
                new=note,
                task=task,
                data={"closed_with_case": True},
            )
        )
    events_save(events)
    return tasks


def task_case_closed_refuse(task: Task) -> None:
    """Nobody works on a task of a closed case (a supplier's page may still be open)."""
    if task.case_id is not None and task.case.status == Case.Status.CLOSED:
        raise ValidationError(
            _("The case is closed; its tasks can no longer be changed."), code="case_closed"
        )
