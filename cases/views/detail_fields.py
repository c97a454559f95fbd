"""Editing one field of the case from the side panel.

GET `field/<name>/` answers the field's editor (htmx) — its options are read only then — or,
without htmx, the page with that editor open. POST saves it (the editor posts on change): the
answer is the panel with plain values, the header and the new history entry out of band, and a
toast whose Undo button posts the old value back (a change of its own, with its own entry). A
refused value answers 400 with the editor still open, the error beside it, the saved value in
the panel and the reason in the toast.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.forms_detail import (
    HEADER_FORMS,
    LINK_FORMS,
    CaseFieldForm,
    apply_errors,
    assignee_options,
)
from cases.models import Case, CaseEvent
from cases.selectors.detail import case_for_page, case_get
from cases.services.cases import case_change, case_url
from cases.views.detail import back_to_case, header_context, render_fragment, render_page
from cases.views.detail_panel import panel_context, panel_row
from organizations.scoping import STAFF_ROLES, org_view
from organizations.web import is_htmx, search_query


def _form_class(field: str) -> type[CaseFieldForm]:
    form_class = HEADER_FORMS.get(field) or LINK_FORMS.get(field)
    if form_class is None:
        raise Http404
    return form_class


@require_http_methods(["GET", "POST"])
@org_view(roles=STAFF_ROLES)
def case_field(request: HttpRequest, number: int, field: str) -> HttpResponse:
    form_class = _form_class(field)
    case = case_for_page(request.org, number)
    if request.method == "GET":
        if not is_htmx(request):
            return redirect(f"{case_url(case)}?edit={field}#prop-{field}")
        row = panel_row(case, field, form_class(org=request.org, case=case))
        context = {"case": case, "row": row, "htmx_request": True}
        return render(request, "cases/detail/_editor.html", context)
    return _save(request, case, field, form_class)


def _save(request: HttpRequest, case: Case, field: str, form_class) -> HttpResponse:
    org = request.org
    form = form_class(request.POST, org=org, case=case)
    undo_values = form_class(org=org, case=case).current_as_post()
    is_undo = request.POST.get("undo") == "1"
    events: list[CaseEvent] = []
    if form.is_valid():
        try:
            events = case_change(org=org, actor=request.user, case=case, **{field: form.value})
        except ValidationError as exc:
            apply_errors(form, exc, default_field=field)
    label = str(form.fields[field].label)
    if form.errors:
        if not is_htmx(request):
            return render_page(request, case, **{field: form})
        reason = " ".join(str(e) for errors in form.errors.values() for e in errors)
        toast = _("%(field)s not saved: %(reason)s") % {"field": label, "reason": reason}
        return _panel_answer(request, case, field, form=form, live=toast, toast=toast, status=400)
    case = case_for_page(org, case.number)
    if not events:
        live = _("Nothing changed.")
    elif is_undo:
        live = _("%(field)s changed back.") % {"field": label}
    else:
        live = _("%(field)s saved.") % {"field": label}
    if not is_htmx(request):
        return back_to_case(request, case, live)
    undo = None
    if events and not is_undo:
        undo = {"field": field, "values": undo_values, "label": label}
    return _panel_answer(request, case, field, events=events, live=live, toast=live, undo=undo)


def _panel_answer(
    request: HttpRequest,
    case: Case,
    field: str,
    *,
    form: CaseFieldForm | None = None,
    events=(),
    live: str,
    toast: str,
    undo: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    """The panel (the field's editor open when `form` has errors), with the header, the new
    history entries and the toast out of band."""
    bound = {field: form} if form is not None else {}
    context = {**panel_context(request, case, **bound), "focus": field}
    toast_html = render_to_string(
        "cases/detail/_toast.html",
        {"case": case, "toast": toast, "undo": undo, "failed": form is not None},
        request=request,
    )
    response = render_fragment(
        request,
        case,
        "cases/detail/_panel.html",
        context,
        events=events,
        live=live,
        status=status,
        extra=[("cases/detail/_header.html", {**header_context(request, case), "oob": True})],
    )
    response.content += toast_html.encode()
    return response


@require_GET
@org_view(roles=STAFF_ROLES)
def assignee_options_view(request: HttpRequest, number: int) -> HttpResponse:
    """<option>s for the assignee picker's search box (customer and property pickers use
    customers:customer_options and properties:property_options)."""
    case_get(request.org, number)  # 404 for another organization's case
    users = assignee_options(request.org, search_query(request))
    options = [(user.pk, str(user)) for user in users]
    return render(request, "customers/_options.html", {"options": options})
