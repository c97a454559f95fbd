"""Logging time on a case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.forms_detail import apply_errors
from cases.forms_panels import TimeEntryForm
from cases.selectors.detail import case_for_page, latest_event_about
from cases.services.time import time_entry_add
from cases.views.detail import back_to_case, render_fragment, render_page, time_context
from organizations.scoping import STAFF_ROLES, org_view
from organizations.web import is_htmx

PANEL = "cases/detail/_time.html"


@require_POST
@org_view(roles=STAFF_ROLES)
def time_entry_add_view(request, number: int):
    case = case_for_page(request.org, number)
    form = TimeEntryForm(request.POST, org=request.org)
    entry = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = time_entry_add(
                org=request.org,
                actor=request.user,
                case=case,
                minutes=data["duration"],
                date=data["date"],
                note=data["note"],
                user=data["user"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
    if entry is None:
        if not is_htmx(request):
            return render_page(request, case, time_form=form)
        return render_fragment(
            request,
            case,
            PANEL,
            time_context(request, case, time_form=form),
            live=_("The time was not logged; see the error."),
            status=400,
        )
    if not is_htmx(request):
        return back_to_case(request, case, _("Time logged."), anchor="case-time")
    return render_fragment(
        request,
        case,
        PANEL,
        time_context(request, case),
        events=latest_event_about(request.org, case, time_entry=entry),
        live=_("Time logged."),
    )
