"""The case page's "Add task" and "Log time" forms, loaded when their section is opened: their
pickers (staff, suppliers) are read only then, not on every view of the page. Without htmx the
page opens with the form (?form=task or ?form=time). The composer's reply and forward forms
likewise load when their tab opens (the customer's contact, the saved replies; without htmx
?composer=reply or ?composer=forward)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from cases.forms_panels import TaskForm, TimeEntryForm
from cases.models import Case
from cases.selectors.detail import case_for_page, case_get
from cases.selectors.panels import case_attachments
from cases.services.cases import case_url
from cases.views.detail import fast, forward_context, reply_context
from organizations.scoping import STAFF_ROLES, org_view
from organizations.web import is_htmx


def _case(request: HttpRequest, number: int) -> Case:
    case = case_get(request.org, number)
    Case.organization.field.set_cached_value(case, request.org)
    return case


@require_GET
@org_view(roles=STAFF_ROLES)
def task_form_view(request: HttpRequest, number: int) -> HttpResponse:
    case = _case(request, number)
    if not is_htmx(request):
        return redirect(f"{case_url(case)}?form=task#case-tasks")
    context = {"case": case, "task_form": fast(TaskForm(org=request.org))}
    return render(request, "cases/detail/_task_form.html", context)


@require_GET
@org_view(roles=STAFF_ROLES)
def time_form_view(request: HttpRequest, number: int) -> HttpResponse:
    case = _case(request, number)
    if not is_htmx(request):
        return redirect(f"{case_url(case)}?form=time#case-time")
    form = TimeEntryForm(org=request.org, initial={"user": request.user})
    return render(request, "cases/detail/_time_form.html", {"case": case, "time_form": fast(form)})


def _composer_form(request: HttpRequest, number: int, kind: str) -> HttpResponse:
    case = case_for_page(request.org, number)
    if not is_htmx(request):
        return redirect(f"{case_url(case)}?composer={kind}#composer-{kind}")
    attachments = case_attachments(request.org, case)
    build = reply_context if kind == "reply" else forward_context
    return render(request, f"cases/detail/_{kind}_form.html", build(request, case, attachments))


@require_GET
@org_view(roles=STAFF_ROLES)
def reply_form_view(request: HttpRequest, number: int) -> HttpResponse:
    return _composer_form(request, number, "reply")


@require_GET
@org_view(roles=STAFF_ROLES)
def forward_form_view(request: HttpRequest, number: int) -> HttpResponse:
    return _composer_form(request, number, "forward")
