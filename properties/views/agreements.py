"""Staff pages for agreements: a property's service agreement with its period and price."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from organizations.scoping import STAFF_ROLES, get_for_org_or_404, org_view
from organizations.web import add_service_errors, is_htmx
from properties import services
from properties.forms import AgreementForm
from properties.models import Agreement


def _save(request: HttpRequest, agreement: Agreement | None) -> HttpResponse:
    if agreement is not None:
        initial = AgreementForm.initial_from(agreement)
    else:
        initial = {
            "property": request.GET.get("property") or None,
            "customer": request.GET.get("customer") or None,
            "currency": services.default_currency(request.org),
        }
    form = AgreementForm(request.POST or None, initial=initial, org=request.org)
    if request.method == "POST" and form.is_valid():
        try:
            if agreement is None:
                agreement = services.agreement_create(
                    org=request.org, actor=request.user, **form.cleaned_data
                )
                messages.success(request, _("Agreement created."))
            else:
                services.agreement_update(
                    org=request.org, actor=request.user, agreement=agreement, **form.cleaned_data
                )
                messages.success(request, _("Agreement saved."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(
                "properties:property_detail",
                org_slug=request.org.slug,
                property_id=agreement.property_id,
            )
    status = 400 if request.method == "POST" and is_htmx(request) else 200
    context = {"form": form, "agreement": agreement}
    return render(request, "properties/agreement_form.html", context, status=status)


@org_view(roles=STAFF_ROLES)
def agreement_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@org_view(roles=STAFF_ROLES)
def agreement_edit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    queryset = Agreement.objects.select_related("property", "customer")
    return _save(request, get_for_org_or_404(queryset, request.org, pk=agreement_id))
