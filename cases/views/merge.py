"""Merging a case into another of the same customer, and confirming to close a case that still
has open tasks. Both are pages of their own: a caseworker sees what will happen before it does."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.forms_detail import CloseForm
from cases.models import Case
from cases.selectors.detail import case_get
from cases.services.cases import case_close, case_url
from cases.services.closing import OPEN_TASKS, open_tasks
from cases.services.merge import case_merge, merge_candidates, merge_preview
from organizations.scoping import STAFF_ROLES, org_view
from organizations.web import is_htmx, parse_id


def merged_redirect(request: HttpRequest, case: Case) -> HttpResponse | None:
    """The survivor's page for a merged case (None when `case` was not merged)."""
    if case.merged_into_id is None:
        return None
    survivor = Case.objects.filter(organization=request.org, pk=case.merged_into_id).first()
    if survivor is None:
        return None
    messages.info(
        request,
        _("Case #%(merged)s was merged into case #%(number)s.")
        % {"merged": case.number, "number": survivor.number},
    )
    return redirect(case_url(survivor))


def _survivor(request: HttpRequest, value: str) -> Case | None:
    """The case typed or chosen as the one to merge into, within the organization only."""
    number = parse_id((value or "").strip().lstrip("#"))
    if number is None:
        return None
    return Case.objects.filter(organization=request.org, number=number).first()


@require_http_methods(["GET", "POST"])
@org_view(roles=STAFF_ROLES)
def case_merge_view(request, number: int):
    """GET: choose the case to merge into; GET with ?into=: what would move; POST: merge."""
    case = case_get(request.org, number)
    into = request.POST.get("into") if request.method == "POST" else request.GET.get("into")
    context: dict = {"case": case, "into": (into or "").strip()}
    error = ""
    if into is not None:
        survivor = _survivor(request, into)
        if survivor is None:
            error = _("No case has that number.")
        else:
            try:
                if request.method == "POST":
                    case_merge(org=request.org, actor=request.user, merged=case, survivor=survivor)
                    messages.success(
                        request,
                        _("Case #%(merged)s was merged into this case.") % {"merged": case.number},
                    )
                    return redirect(case_url(survivor))
                context["preview"] = merge_preview(org=request.org, merged=case, survivor=survivor)
            except ValidationError as exc:
                error = " ".join(exc.messages)
    if case.merged_into_id is not None and not error:
        error = _("This case was already merged into another.")
    context["error"] = error
    context["candidates"] = [] if case.merged_into_id else merge_candidates(request.org, case)
    return render(
        request, "cases/merge.html", context, status=400 if error and into is not None else 200
    )


def close_confirm_response(request: HttpRequest, case: Case, form: CloseForm) -> HttpResponse:
    """The page asking to confirm closing `case` with its open tasks (the close form's answer
    when the service refused for that reason). From htmx it replaces the whole page."""
    response = render(
        request,
        "cases/close_confirm.html",
        {"case": case, "form": form, "tasks": open_tasks(case)},
    )
    if is_htmx(request):
        response["HX-Retarget"] = "body"
        response["HX-Reswap"] = "innerHTML"
    return response


def refused_for_open_tasks(exc: ValidationError) -> bool:
    """Whether the service refused to close only because of open tasks."""
    return not hasattr(exc, "error_dict") and any(e.code == OPEN_TASKS for e in exc.error_list)


@require_POST
@org_view(roles=STAFF_ROLES)
def case_close_confirm_view(request, number: int):
    """Close the case and its open tasks, as confirmed on the page above."""
    case = case_get(request.org, number)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            case_close(
                org=request.org,
                actor=request.user,
                case=case,
                resolution=form.cleaned_data["resolution"],
                notify_customer=form.cleaned_data["notify_customer"],
                close_open_tasks=True,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The case and its open tasks are closed."))
            return redirect(case_url(case))
    case = case_get(request.org, number)
    return render(
        request,
        "cases/close_confirm.html",
        {"case": case, "form": form, "tasks": open_tasks(case)},
        status=400,
    )
