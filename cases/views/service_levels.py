"""Settings → Service levels: the organization's policies (admins only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.forms_lists import ListChoices
from cases.forms_service_levels import ServiceLevelPolicyForm, initial_for
from cases.models import ServiceLevelPolicy
from cases.selectors.service_levels import policy_list
from cases.services.service_level_policies import (
    service_level_policy_delete,
    service_level_policy_save,
)
from cases.views.lists_table import optional_url
from customers.selectors import customer_options
from organizations.calendar import calendar_settings
from organizations.scoping import ADMIN_ROLES, get_for_org_or_404, org_view
from organizations.web import add_service_errors, clean_search_text, is_htmx

PICKER_MATCHES = 20
# The service's field names → the form's.
ERROR_FIELDS = {
    "first_response_minutes": "first_response_hours",
    "resolution_minutes": "resolution_hours",
}


@org_view(roles=ADMIN_ROLES)
def service_levels(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cases/settings/service_levels.html",
        {
            "policies": policy_list(request.org),
            "calendar": calendar_settings(request.org),
        },
    )


@org_view(roles=ADMIN_ROLES)
def service_level_edit(request: HttpRequest, policy_id: int | None = None) -> HttpResponse:
    org = request.org
    policy = get_for_org_or_404(ServiceLevelPolicy, org, pk=policy_id) if policy_id else None
    categories = ListChoices(org).categories
    options = {
        "org": org,
        "categories": categories,
        "default_risk_percent": calendar_settings(org).risk_percent,
    }
    searching = request.method == "POST" and "_refresh" in request.POST
    if request.method == "POST" and not searching:
        form = ServiceLevelPolicyForm(request.POST, **options)
    elif searching:
        # The customer search without JavaScript: show the matches, keep what was typed.
        form = ServiceLevelPolicyForm(initial=request.POST.dict(), **options)
    else:
        form = ServiceLevelPolicyForm(initial=initial_for(policy) if policy else None, **options)
    query = clean_search_text(form["customer_search"].value() or "") if searching else ""
    form.prepare_customer_picker(customer_options(org, query, PICKER_MATCHES) if query else ())
    if form.is_bound and form.is_valid():
        try:
            service_level_policy_save(
                org=org, actor=request.user, policy=policy, **form.policy_values()
            )
        except ValidationError as exc:
            add_service_errors(form, exc, ERROR_FIELDS)
        else:
            messages.success(request, _("Service level saved."))
            return redirect("cases:service_levels", org_slug=org.slug)
    status = 400 if form.is_bound and form.errors and is_htmx(request) else 200
    return render(
        request,
        "cases/settings/service_level_form.html",
        {
            "form": form,
            "policy": policy,
            "searching": searching,
            "customer_autocomplete_url": optional_url("customers:customer_autocomplete", org.slug),
        },
        status=status,
    )


@require_POST
@org_view(roles=ADMIN_ROLES)
def service_level_delete(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = get_for_org_or_404(ServiceLevelPolicy, request.org, pk=policy_id)
    service_level_policy_delete(org=request.org, actor=request.user, policy=policy)
    messages.success(request, _("Service level “%(name)s” deleted.") % {"name": policy.name})
    return redirect("cases:service_levels", org_slug=request.org.slug)
