"""Tasks on a deviation: added and reopened by staff on the deviation page; the task page,
which a supplier user may open (and complete) for their supplier's tasks."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.forms_detail import apply_errors
from cases.forms_panels import TaskCompleteForm, TaskForm
from cases.models import Task
from cases.selectors.deviations import (
    deviation_for_page,
    deviation_task_files,
    deviation_task_for_member_or_404,
)
from cases.services.tasks import task_add, task_complete, task_reopen, task_url
from cases.views.deviations.detail import back_to_deviation, render_deviation
from organizations.scoping import ALL_ROLES, STAFF_ROLES, org_view
from organizations.web import is_htmx


@require_POST
@org_view(roles=STAFF_ROLES)
def deviation_task_add(request: HttpRequest, deviation_number: int) -> HttpResponse:
    deviation = deviation_for_page(request.org, deviation_number)
    form = TaskForm(request.POST, request.FILES, org=request.org)
    task = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            task = task_add(
                org=request.org,
                actor=request.user,
                deviation=deviation,
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
        return render_deviation(request, deviation, task_form=form, failed=True)
    return back_to_deviation(request, deviation, _("Task added."), anchor=f"task-{task.pk}")


def _task_page(request: HttpRequest, task: Task, form, status: int = 200) -> HttpResponse:
    return render(
        request,
        "cases/deviations/task.html",
        {
            "task": task,
            "deviation": task.deviation,
            "done_form": form,
            "files": deviation_task_files(request.org, task),
        },
        status=status,
    )


@org_view(roles=ALL_ROLES)
def deviation_task_detail(
    request: HttpRequest, deviation_number: int, deviation_task_id: int
) -> HttpResponse:
    task = deviation_task_for_member_or_404(
        request.org,
        request.user,
        request.membership,
        number=deviation_number,
        task_id=deviation_task_id,
    )
    return _task_page(request, task, TaskCompleteForm(task_id=task.pk))


@require_POST
@org_view(roles=ALL_ROLES)
def deviation_task_complete(
    request: HttpRequest, deviation_number: int, deviation_task_id: int
) -> HttpResponse:
    task = deviation_task_for_member_or_404(
        request.org,
        request.user,
        request.membership,
        number=deviation_number,
        task_id=deviation_task_id,
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
    on_deviation_page = request.membership.is_staff_role and request.POST.get("from") != "task"
    if not done:
        status = 400 if is_htmx(request) else 200
        if on_deviation_page:
            deviation = deviation_for_page(request.org, deviation_number)
            return render_deviation(request, deviation, done_forms={task.pk: form}, failed=True)
        return _task_page(request, task, form, status=status)
    if on_deviation_page:
        return back_to_deviation(
            request, task.deviation, _("Task completed."), anchor=f"task-{task.pk}"
        )
    messages.success(request, _("Task completed."))
    return redirect(task_url(task))


@require_POST
@org_view(roles=STAFF_ROLES)
def deviation_task_reopen(
    request: HttpRequest, deviation_number: int, deviation_task_id: int
) -> HttpResponse:
    task = deviation_task_for_member_or_404(
        request.org,
        request.user,
        request.membership,
        number=deviation_number,
        task_id=deviation_task_id,
    )
    try:
        task_reopen(org=request.org, actor=request.user, task=task)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Task reopened."))
    if request.POST.get("from") == "task":
        return redirect(task_url(task))
    return back_to_deviation(request, task.deviation, "", anchor=f"task-{task.pk}")
