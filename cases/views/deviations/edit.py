"""Registering a deviation (on its own or from a case) and editing one.

`deviation_form_page` is shared with the inquiries app, whose "Create deviation" page fills the
same form from an inquiry (inquiries sit above cases, so that view lives there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.forms_deviations import DeviationForm
from cases.forms_lists import ListChoices
from cases.models import Attachment, Case, Deviation
from cases.selectors.deviations import deviation_for_page
from cases.services.deviations import deviation_create, deviation_update, deviation_url
from cases.views.lists_create import PICKER_MATCHES
from cases.views.lists_table import optional_url
from organizations.scoping import STAFF_ROLES, get_for_org_or_404, org_view
from organizations.web import add_service_errors, clean_search_text, is_htmx, parse_id
from properties.selectors import property_options

TEMPLATE = "cases/deviations/form.html"


def deviation_form_page(
    request: HttpRequest,
    *,
    initial: dict[str, Any],
    save: Callable[[DeviationForm], Deviation],
    context: dict[str, Any],
    template: str = TEMPLATE,
    with_files: bool = False,
    copy_choices: list[tuple[int, str]] | None = None,
) -> HttpResponse:
    """The register/edit page: the property search without JavaScript keeps what was typed;
    a valid form goes to `save` (a service call), whose errors land on the form, shown again
    with everything typed (400 for htmx, so it swaps in place)."""
    org = request.org
    form_kwargs = {
        "org": org,
        "choices": ListChoices(org),
        "with_files": with_files,
        "copy_choices": copy_choices,
    }
    searching = request.method == "POST" and "_refresh" in request.POST
    if request.method == "POST":
        form = DeviationForm(request.POST, request.FILES, **form_kwargs)
    else:
        form = DeviationForm(initial=initial, **form_kwargs)
    query = clean_search_text(str(form["property_search"].value() or "")) if searching else ""
    form.prepare_property_picker(property_options(org, query, PICKER_MATCHES) if query else ())
    if request.method == "POST" and not searching and form.is_valid():
        try:
            deviation = save(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Deviation #%(number)s was saved.") % {"number": deviation.number}
            )
            return redirect(deviation_url(deviation))
    status = 400 if request.method == "POST" and not searching and is_htmx(request) else 200
    return render(
        request,
        template,
        {
            "form": form,
            "searching": searching,
            "property_autocomplete_url": optional_url("properties:property_autocomplete", org.slug),
            **context,
        },
        status=status,
    )


def case_file_choices(org, case: Case) -> list[tuple[int, str]]:
    return [
        (a.pk, a.original_name)
        for a in Attachment.objects.filter(organization=org, case=case).order_by("created_at", "id")
    ]


@org_view(roles=STAFF_ROLES)
def deviation_new(request: HttpRequest) -> HttpResponse:
    """Register a deviation; `?case=<number>` registers it from that case (pre-filled, linked,
    the case's files offered for copying)."""
    org = request.org
    case = None
    case_number = parse_id(request.GET.get("case"))
    if request.GET.get("case") is not None:
        if case_number is None:
            raise Http404
        case = get_for_org_or_404(Case.objects.select_related("property"), org, number=case_number)
    copy_choices = case_file_choices(org, case) if case is not None else None
    initial: dict[str, Any] = {}
    if case is not None:
        initial = {
            "title": case.title,
            "description": case.description,
            "property": case.property_id or "",
        }

    def save(form: DeviationForm) -> Deviation:
        chosen = set(form.cleaned_data.get("copy") or [])
        copies = (
            list(Attachment.objects.filter(organization=org, case=case, pk__in=chosen))
            if case is not None and chosen
            else []
        )
        return deviation_create(
            org=org,
            actor=request.user,
            data=form.deviation_data(),
            case=case,
            uploads=form.cleaned_data.get("files") or [],
            copies=copies,
        )

    return deviation_form_page(
        request,
        initial=initial,
        save=save,
        context={"case": case, "mode": "new"},
        with_files=True,
        copy_choices=copy_choices,
    )


@org_view(roles=STAFF_ROLES)
def deviation_edit(request: HttpRequest, deviation_number: int) -> HttpResponse:
    org = request.org
    deviation = deviation_for_page(org, deviation_number)

    def save(form: DeviationForm) -> Deviation:
        deviation_update(
            org=org, actor=request.user, deviation=deviation, data=form.deviation_data()
        )
        return deviation

    return deviation_form_page(
        request,
        initial=DeviationForm.initial_from(deviation),
        save=save,
        context={"deviation": deviation, "mode": "edit"},
    )
