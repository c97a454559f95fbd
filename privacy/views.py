"""The privacy page in Settings, and a customer's export and erasure. Administrators only: an
export hands over everything about a person and an erasure cannot be undone, so they are the
organization's (the data controller's) decision, not every caseworker's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.models import Customer
from organizations.scoping import ADMIN_ROLES, get_for_org_or_404, org_view
from organizations.web import add_service_errors, form_page
from privacy import selectors, services
from privacy.forms import EraseForm, RetentionPolicyForm


@org_view(roles=ADMIN_ROLES)
def privacy_settings(request: HttpRequest) -> HttpResponse:
    policy = selectors.retention_policy_for(request.org)
    form = RetentionPolicyForm(request.POST or None, instance=policy)
    return form_page(
        request,
        form,
        save=lambda: services.retention_policy_save(
            org=request.org, actor=request.user, **form.cleaned_data
        ),
        saved_message=_("Retention rules saved."),
        success_url=lambda saved: reverse("privacy:settings", args=[request.org.slug]),
        template="privacy/settings.html",
        context={"log": selectors.privacy_log_page(request.org, request.GET.get("page"))},
    )


@org_view(roles=ADMIN_ROLES)
@require_POST
def customer_export(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_for_org_or_404(Customer, request.org, pk=customer_id)
    archive = services.customer_export(org=request.org, actor=request.user, customer=customer)
    return FileResponse(
        archive,
        as_attachment=True,
        filename=f"customer-{customer.pk}-personal-data.zip",
        content_type="application/zip",
    )


@org_view(roles=ADMIN_ROLES)
def customer_erase(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_for_org_or_404(Customer, request.org, pk=customer_id)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and customer.anonymised_at is None and form.is_valid():
        try:
            services.customer_erase(
                org=request.org,
                actor=request.user,
                customer=customer,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The customer's personal data has been erased."))
            return redirect("customers:customer_detail", request.org.slug, customer.pk)
    context = {
        "customer": customer,
        "form": form,
        "preview": []
        if customer.anonymised_at
        else selectors.erasure_preview(request.org, customer),
    }
    return render(request, "privacy/erase_confirm.html", context)
