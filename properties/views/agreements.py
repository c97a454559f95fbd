"""Staff pages for agreements: a property's service agreement with its period and price."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from organizations.scoping import STAFF_ROLES, get_for_org_or_404, org_view
from organizations.web import form_page
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

    def save() -> Agreement:
        if agreement is None:
            return services.agreement_create(
                org=request.org, actor=request.user, **form.cleaned_data
            )
        services.agreement_update(
            org=request.org, actor=request.user, agreement=agreement, **form.cleaned_data
        )
        return agreement

    return form_page(
        request,
        form,
        save=save,
        saved_message=_("Agreement created.") if agreement is None else _("Agreement saved."),
        success_url=lambda saved: reverse(
            "properties:property_detail", args=[request.org.slug, saved.property_id]
        ),
        template="properties/agreement_form.html",
        context={"agreement": agreement},
    )


@org_view(roles=STAFF_ROLES)
def agreement_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@org_view(roles=STAFF_ROLES)
def agreement_edit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    queryset = Agreement.objects.select_related("property", "customer")
    return _save(request, get_for_org_or_404(queryset, request.org, pk=agreement_id))
