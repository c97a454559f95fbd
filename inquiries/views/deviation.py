"""An inquiry to a deviation through the pre-filled, editable deviation form (the cases app's
form and page logic, filled from the inquiry here)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cases.forms_deviations import DeviationForm
from cases.models import Deviation
from cases.services.deviations import deviation_url
from cases.views.deviations.edit import deviation_form_page
from inquiries import selectors
from inquiries.models import Inquiry
from inquiries.services.deviation import deviation_data_from_inquiry, inquiry_create_deviation
from organizations.scoping import STAFF_ROLES, get_for_org_or_404, org_view


def _initial(inquiry: Inquiry) -> dict:
    data = deviation_data_from_inquiry(inquiry)
    return {
        "title": data.title,
        "description": data.description,
        "property": inquiry.property_id or "",
        "location": data.location,
    }


@org_view(roles=STAFF_ROLES)
def inquiry_deviation(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    org = request.org
    inquiry = get_for_org_or_404(
        selectors.inquiry_for_preview(org).select_related("deviation"), org, pk=inquiry_id
    )
    if inquiry.deviation_id is not None:
        # Made already (e.g. a second tab): show it rather than a form that would be refused.
        return redirect(deviation_url(inquiry.deviation))
    if inquiry.status == Inquiry.Status.DELETED:
        return render(
            request,
            "inquiries/converted.html",
            {"inquiry": inquiry, "pending": selectors.pending_notifications(inquiry)},
        )
    files = list(inquiry.attachments.all())

    def save(form: DeviationForm) -> Deviation:
        chosen = set(form.cleaned_data.get("copy") or [])
        return inquiry_create_deviation(
            org=org,
            actor=request.user,
            inquiry=inquiry,
            data=form.deviation_data(),
            attachments=[a for a in files if a.pk in chosen],
        )

    return deviation_form_page(
        request,
        initial=_initial(inquiry),
        save=save,
        context={"inquiry": inquiry, "mode": "inquiry"},
        template="inquiries/deviation.html",
        copy_choices=[(a.pk, a.original_name) for a in files],
    )
