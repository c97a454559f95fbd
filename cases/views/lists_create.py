"""New case, typed in by a caseworker (seed 004 "Ny sak"; phone calls in seed 003)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.forms_create import CaseCreateForm
from cases.forms_lists import ListChoices
from cases.services.cases import case_url
from cases.services.manual import case_create_manual
from cases.services.messages import message_outcome_texts
from cases.views.lists_table import optional_url
from customers.models import ContactRole
from customers.selectors import customer_options
from organizations.models import Organization
from organizations.scoping import STAFF_ROLES, org_view
from organizations.web import add_service_errors, clean_search_text, parse_id
from properties.models import Property
from properties.selectors import property_label, property_options

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


def customer_property(org: Organization, customer_id: int | None) -> Property | None:
    """The property to suggest for a customer (issue 14): where they are a current owner,
    co-owner or resident; owners first, then the most recent. None for an unknown customer,
    one of another organization, or one with no current property."""
    if customer_id is None:
        return None
    today = timezone.localdate()
    roles = (
        ContactRole.objects.filter(organization=org, customer_id=customer_id)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
        .select_related("property")
        .order_by(F("start_date").desc(nulls_last=True), "-pk")
    )
    rows = list(roles[:20])
    rank = {ContactRole.Role.OWNER: 0, ContactRole.Role.CO_OWNER: 1, ContactRole.Role.RESIDENT: 2}
    rows.sort(key=lambda r: rank.get(r.role, 3))  # stable: the most recent first within a rank
    return rows[0].property if rows else None


@require_GET
@org_view(roles=STAFF_ROLES)
def case_new_property(request: HttpRequest) -> JsonResponse:
    """JSON for the new-case form: the property to suggest once a customer is picked."""
    prop = customer_property(request.org, parse_id(request.GET.get("customer", "")))
    if prop is None:
        return JsonResponse({"property": None})
    return JsonResponse({"property": {"id": prop.pk, "label": property_label(prop)}})


def _suggest_property(org: Organization, initial: dict) -> None:
    """Without JavaScript: a customer chosen and no property yet → their property."""
    if initial.get("property") or not initial.get("customer"):
        return
    prop = customer_property(org, parse_id(initial["customer"]))
    if prop is not None:
        initial["property"] = prop.pk


@org_view(roles=STAFF_ROLES)
def case_new(request: HttpRequest) -> HttpResponse:
    org = request.org
    choices = ListChoices(org)
    searching = request.method == "POST" and "_refresh" in request.POST
    if request.method == "POST" and not searching:
        form = CaseCreateForm(request.POST, org=org, choices=choices)
    elif searching:
        # The no-JavaScript search: show the matches, keep everything, report no errors yet.
        initial = _as_initial(request.POST)
        _suggest_property(org, initial)
        form = CaseCreateForm(initial=initial, org=org, choices=choices)
    else:
        prefill = {
            key: request.GET[key] for key in ("customer", "property") if request.GET.get(key)
        }
        _suggest_property(org, prefill)
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
        "property_suggest_url": reverse("cases:case_new_property", kwargs={"org_slug": org.slug}),
    }
    return render(request, "cases/new.html", context)
