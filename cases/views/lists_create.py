"""New case, typed in by a caseworker (seed 004 "Ny sak"; phone calls in seed 003)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cases.forms_create import CaseCreateForm
from cases.forms_lists import ListChoices
from cases.services.cases import case_url
from cases.services.manual import case_create_manual
from cases.services.messages import message_outcome_texts
from cases.views.lists_table import optional_url
from customers.selectors import customer_options
from organizations.scoping import STAFF_ROLES, org_view
from organizations.web import add_service_errors, clean_search_text
from properties.selectors import property_options

MULTI_VALUED = ("teams", "containers")
PICKER_MATCHES = 20


def _as_initial(post) -> dict:
    """A POST turned into initial values: re-render what was typed without validating it."""
    data = {key: post.get(key) for key in post if key not in MULTI_VALUED}
    data.update({key: post.getlist(key) for key in MULTI_VALUED})
    for key, value in list(data.items()):
        if value == "on":
            data[key] = True
    return data


@org_view(roles=STAFF_ROLES)
def case_new(request: HttpRequest) -> HttpResponse:
    org = request.org
    choices = ListChoices(org)
    searching = request.method == "POST" and "_refresh" in request.POST
    if request.method == "POST" and not searching:
        form = CaseCreateForm(request.POST, org=org, choices=choices)
    elif searching:
        # The no-JavaScript search: show the matches, keep everything, report no errors yet.
        form = CaseCreateForm(initial=_as_initial(request.POST), org=org, choices=choices)
    else:
        prefill = {
            key: request.GET[key] for key in ("customer", "property") if request.GET.get(key)
        }
        form = CaseCreateForm(initial=prefill, org=org, choices=choices)

    customer_q = clean_search_text(form["customer_search"].value() or "") if searching else ""
    property_q = clean_search_text(form["property_search"].value() or "") if searching else ""
    form.prepare_pickers(
        customer_matches=customer_options(org, customer_q, PICKER_MATCHES) if customer_q else (),
        property_matches=property_options(org, property_q, PICKER_MATCHES) if property_q else (),
    )

    if form.is_bound and form.is_valid():
        try:
            case = case_create_manual(
                org=org,
                actor=request.user,
                new_customer=form.new_customer(),
                **form.case_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            for text, ok in message_outcome_texts(case):
                (messages.success if ok else messages.warning)(request, text)
            return redirect(case_url(case))
    context = {
        "form": form,
        "customer_autocomplete_url": optional_url("customers:customer_autocomplete", org.slug),
        "property_autocomplete_url": optional_url("properties:property_autocomplete", org.slug),
        "container_autocomplete_url": optional_url("properties:container_autocomplete", org.slug),
        "searching": searching,
    }
    return render(request, "cases/new.html", context)
