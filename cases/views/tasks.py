"""Tasks on the case page, and the task page that supplier users may open for their own tasks."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.forms_detail import apply_errors
from cases.forms_panels import TaskCompleteForm, TaskForm
from cases.selectors.detail import case_for_page, latest_event_about
from cases.selectors.tasks import task_attachments, task_for_member_or_404
from cases.services.tasks import task_add, task_complete, task_reopen, task_url
from cases.views.detail import (
    back_to_case,
    is_htmx,
    render_fragment,
    render_page,
    tasks_context,
)
from organizations.scoping import ALL_ROLES, STAFF_ROLES, org_view

TASKS = "cases/detail/_tasks.html"


@require_POST
@org_view(roles=STAFF_ROLES)
def task_add_view(request, number: int):
    case = case_for_page(request.org, number)
    form = TaskForm(request.POST, request.FILES, org=request.org)
    task = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            task = task_add(
                org=request.org,
                actor=request.user,
                case=case,
                title=data["title"],
                description=data["description"],
                assignee=data["assignee"],
                supplier=data["supplier"],
                due_date=data["due_date"],
                uploads=data["files"],
            )
        except ValidationError as exc:
            apply_errors(form, exc, default_field="files")
    if task is None:
        if not is_htmx(request):
            return render_page(request, case, task_form=form)
        return render_fragment(
            request,
            case,
            TASKS,
            tasks_context(request, case, task_form=form),
            live=_("The task was not added; see the error."),
            status=400,
        )
    if not is_htmx(request):
        return back_to_case(request, case, _("Task added."), anchor=f"task-{task.pk}")
    return render_fragment(
        request,
        case,
        TASKS,
        tasks_context(request, case),
        events=latest_event_about(request.org, case, task=task),
        live=_("Task added."),
    )


@org_view(roles=ALL_ROLES)
def task_detail(request, number: int, task_id: int):
    """One task. Staff see any task of the organization; a supplier user only their supplier's."""
    task = task_for_member_or_404(
        request.org, request.user, request.membership, number=number, task_id=task_id
    )
    return _task_page(request, task, TaskCompleteForm(task_id=task.pk))


def _task_page(request, task, form, status: int = 200):
    attachments = task_attachments(request.org, task)
    return render(
        request,
        "cases/detail/task_detail.html",
        {"task": task, "case": task.case, "done_form": form, "attachments": attachments},
        status=status,
    )


@require_POST
@org_view(roles=ALL_ROLES)
def task_complete_view(request, number: int, task_id: int):
    task = task_for_member_or_404(
        request.org, request.user, request.membership, number=number, task_id=task_id
    )
    form = TaskCompleteForm(request.POST, request.FILES, task_id=task.pk)
    done = False
    if form.is_valid():
        try:
            task_complete(
                org=request.org,
                actor=request.user,
                task=task,
                note=form.cleaned_data["completion_note"],
                uploads=form.cleaned_data["files"],
            )
            done = True
        except ValidationError as exc:
            apply_errors(form, exc, default_field="files")
    on_case_page = request.membership.is_staff_role and request.POST.get("from") != "task"
    if not on_case_page:
        if not done:
            return _task_page(request, task, form)
        messages.success(request, _("Task completed."))
        return redirect(task_url(task))
    case = case_for_page(request.org, number)
    if not done:
        if not is_htmx(request):
            return render_page(request, case, done_forms={task.pk: form})
        return render_fragment(
            request,
            case,
            TASKS,
            tasks_context(request, case, done_forms={task.pk: form}),
            live=_("The task was not completed; see the error."),
            status=400,
        )
    if not is_htmx(request):
        return back_to_case(request, case, _("Task completed."), anchor=f"task-{task.pk}")
    return render_fragment(
        request,
        case,
        TASKS,
        tasks_context(request, case),
        events=latest_event_about(request.org, case, task=task, kind="task_done"),
        live=_("Task completed."),
    )


@require_POST
@org_view(roles=STAFF_ROLES)
def task_reopen_view(request, number: int, task_id: int):
    task = task_for_member_or_404(
        request.org, request.user, request.membership, number=number, task_id=task_id
    )
    case = case_for_page(request.org, number)
    try:
        task_reopen(org=request.org, actor=request.user, task=task)
    except ValidationError as exc:
        message, events = " ".join(exc.messages), []
    else:
        message = _("Task reopened.")
        events = latest_event_about(request.org, case, task=task, field="task_status")
    if request.POST.get("from") == "task":
        (messages.success if events else messages.error)(request, message)
        return redirect(task_url(task))
    if not is_htmx(request):
        return back_to_case(request, case, message, anchor=f"task-{task.pk}")
    return render_fragment(
        request,
        case,
        TASKS,
        tasks_context(request, case),
        events=events,
        live=message,
    )
