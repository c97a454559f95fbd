"""Staff register an inquiry from a phone call (seed 003)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.views.lists_table import optional_url
from inquiries.forms.register import InquiryRegisterForm
from inquiries.services.intake import inquiry_register as register_service
from inquiries.views.common import new_case_url
from organizations.scoping import STAFF_ROLES, org_view
from organizations.web import add_service_errors


@org_view(roles=STAFF_ROLES)
def inquiry_register(request: HttpRequest) -> HttpResponse:
    org = request.org
    if request.method == "POST":
        form = InquiryRegisterForm(request.POST, request.FILES, org=org)
        if form.is_valid():
            try:
                inquiry = register_service(org=org, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if inquiry.case_id:
                    text = _("The inquiry was registered and became case #%(number)s.") % {
                        "number": inquiry.case.number
                    }
                else:
                    text = _("The inquiry was registered and waits in the tray.")
                messages.success(request, text)
                return redirect("inquiries:inquiry_list", org_slug=org.slug)
    else:
        form = InquiryRegisterForm(org=org)
    return render(
        request,
        "inquiries/register.html",
        {
            "form": form,
            "new_case_url": new_case_url(org.slug),
            "property_autocomplete_url": optional_url("properties:property_autocomplete", org.slug),
        },
    )
