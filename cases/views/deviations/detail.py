"""The deviation page: facts, status changes (start treatment, close with the corrective
action, reopen), photos and files, tasks and the history. Forms post and come back here; a
rejected form is shown again in place with what was typed (400 for htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cases.forms_detail import apply_errors
from cases.forms_deviations import DeviationFilesForm, DeviationStatusForm
from cases.forms_panels import TaskCompleteForm, TaskForm
from cases.models import Deviation
from cases.selectors.deviations import (
    deviation_file_for_member_or_404,
    deviation_files,
    deviation_for_page,
    deviation_history,
    deviation_tasks,
)
from cases.services.attachments import INLINE_TYPES
from cases.services.deviations import deviation_files_add, deviation_status_change, deviation_url
from cases.views.attachments import serve_file
from cases.views.deviations.history import history_entries
from organizations.rendering import FAST_RENDERER
from organizations.scoping import ALL_ROLES, STAFF_ROLES, org_view
from organizations.web import is_htmx


def render_deviation(
    request: HttpRequest,
    deviation: Deviation,
    *,
    status_form: DeviationStatusForm | None = None,
    files_form: DeviationFilesForm | None = None,
    task_form: TaskForm | None = None,
    done_forms: dict | None = None,
    failed: bool = False,
) -> HttpResponse:
    """The whole page; bound forms with errors replace their empty twins (`failed`: answer
    400 to htmx, so the form swaps in)."""
    org = request.org
    files = deviation_files(org, deviation)
    tasks = deviation_tasks(org, deviation)
    done_forms = done_forms or {}
    task_files: dict[int, list] = {}
    for row in files:
        if row.task_id:
            task_files.setdefault(row.task_id, []).append(row)
    task_form = task_form or TaskForm(org=org)
    task_form.renderer = FAST_RENDERER
    context = {
        "deviation": deviation,
        "files": [row for row in files if not row.task_id],
        "tasks": [
            (
                task,
                done_forms.get(task.pk) or TaskCompleteForm(task_id=task.pk),
                task_files.get(task.pk, []),
            )
            for task in tasks
        ],
        "open_task_count": sum(1 for task in tasks if not task.is_done),
        "history": history_entries(deviation_history(org, deviation, tasks)),
        "status_form": status_form
        or DeviationStatusForm(initial={"corrective_action": deviation.corrective_action}),
        "files_form": files_form or DeviationFilesForm(),
        "task_form": task_form,
        "open_statuses": [
            (value, label) for value, label in Deviation.Status.choices if value != "closed"
        ],
    }
    context.update(inquiry_link(deviation))
    status = 400 if failed and is_htmx(request) else 200
    return render(request, "cases/deviations/page.html", context, status=status)


def inquiry_link(deviation: Deviation) -> dict[str, str]:
    """The inquiry the deviation was registered from, as a link: read through the reverse
    relation and linked by URL name (inquiries sit above cases; nothing is imported)."""
    try:
        inquiry = deviation.inquiry
    except ObjectDoesNotExist:
        return {}
    try:
        url = reverse(
            "inquiries:inquiry_preview",
            kwargs={"org_slug": deviation.organization.slug, "inquiry_id": inquiry.pk},
        )
    except NoReverseMatch:
        return {}
    return {"inquiry_url": url, "inquiry_label": str(inquiry)}


@require_GET
@org_view(roles=STAFF_ROLES)
def deviation_detail(request: HttpRequest, deviation_number: int) -> HttpResponse:
    return render_deviation(request, deviation_for_page(request.org, deviation_number))


def back_to_deviation(
    request: HttpRequest, deviation: Deviation, message: str, anchor: str = ""
) -> HttpResponse:
    if message:
        messages.success(request, message)
    return redirect(deviation_url(deviation) + (f"#{anchor}" if anchor else ""))


STATUS_MESSAGES = {
    Deviation.Status.OPEN: gettext_lazy("The deviation is open."),
    Deviation.Status.IN_TREATMENT: gettext_lazy("The deviation is in treatment."),
    Deviation.Status.CLOSED: gettext_lazy("The deviation is closed."),
}


@require_POST
@org_view(roles=STAFF_ROLES)
def deviation_status_view(request: HttpRequest, deviation_number: int) -> HttpResponse:
    deviation = deviation_for_page(request.org, deviation_number)
    form = DeviationStatusForm(request.POST)
    if form.is_valid():
        try:
            deviation_status_change(
                org=request.org,
                actor=request.user,
                deviation=deviation,
                status=form.cleaned_data["status"],
                corrective_action=form.cleaned_data["corrective_action"],
            )
        except ValidationError as exc:
            apply_errors(form, exc, default_field="status")
    if form.errors:
        deviation = deviation_for_page(request.org, deviation_number)  # as saved: rolled back
        return render_deviation(request, deviation, status_form=form, failed=True)
    return back_to_deviation(
        request, deviation, str(STATUS_MESSAGES[deviation.status]), anchor="deviation-status"
    )


@require_POST
@org_view(roles=STAFF_ROLES)
def deviation_files_view(request: HttpRequest, deviation_number: int) -> HttpResponse:
    deviation = deviation_for_page(request.org, deviation_number)
    form = DeviationFilesForm(request.POST, request.FILES)
    rows = []
    if form.is_valid():
        try:
            rows = deviation_files_add(
                org=request.org,
                actor=request.user,
                deviation=deviation,
                uploads=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            apply_errors(form, exc, default_field="files")
    if not rows:
        return render_deviation(request, deviation, files_form=form, failed=True)
    message = _("%(count)s file(s) attached.") % {"count": len(rows)}
    return back_to_deviation(request, deviation, message, anchor="deviation-files")


@require_GET
@org_view(roles=ALL_ROLES)
def deviation_file_download(request: HttpRequest, deviation_number: int, deviation_file_id: int):
    row = deviation_file_for_member_or_404(
        request.org,
        request.user,
        request.membership,
        number=deviation_number,
        file_id=deviation_file_id,
    )
    inline = row.content_type in INLINE_TYPES and not request.GET.get("download")
    return serve_file(
        row.file, row.content_type, "inline" if inline else "attachment", row.original_name
    )


@require_GET
@org_view(roles=ALL_ROLES)
def deviation_file_thumbnail(request: HttpRequest, deviation_number: int, deviation_file_id: int):
    row = deviation_file_for_member_or_404(
        request.org,
        request.user,
        request.membership,
        number=deviation_number,
        file_id=deviation_file_id,
    )
    if not row.thumbnail:
        raise Http404
    content_type = "image/png" if row.thumbnail.name.endswith(".png") else "image/jpeg"
    return serve_file(row.thumbnail, content_type, "inline", row.original_name)
