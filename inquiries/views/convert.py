"""One inquiry to one case through the pre-filled, editable case form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.services.messages import message_outcome_texts
from cases.views.lists_create import PICKER_MATCHES
from cases.views.lists_table import optional_url
from customers.models import ContactRole
from inquiries import selectors
from inquiries.forms.convert import InquiryConvertForm
from inquiries.models import Inquiry
from inquiries.services.convert import inquiries_convert_by_rules
from inquiries.services.convert import inquiry_convert as convert_service
from inquiries.services.intake import intake_rule_for
from inquiries.views.tray import case_created_text, tray_filters, tray_query, tray_url
from organizations.scoping import STAFF_ROLES, get_for_org_or_404, org_view
from organizations.web import add_service_errors, clean_search_text, is_htmx
from properties.selectors import property_options


def _property_people(inquiry: Inquiry) -> list[ContactRole]:
    """Owners and residents of the inquiry's property (seed 000: "informasjon om kunden")."""
    if inquiry.property_id is None:
        return []
    return list(
        ContactRole.objects.filter(
            organization_id=inquiry.organization_id,
            property_id=inquiry.property_id,
            end_date__isnull=True,
        ).select_related("customer")
    )


@org_view(roles=STAFF_ROLES)
def inquiry_convert(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    org = request.org
    inquiry = get_for_org_or_404(selectors.inquiry_for_preview(org), org, pk=inquiry_id)
    if inquiry.status != Inquiry.Status.NEW:
        # After saving, the caseworker stays here and gets a link to the new case (seed 000).
        return render(
            request,
            "inquiries/converted.html",
            {"inquiry": inquiry, "pending": selectors.pending_notifications(inquiry)},
        )
    rule = intake_rule_for(org, inquiry.channel)
    form_kwargs = {"org": org, "inquiry": inquiry, "rule": rule}
    searching = request.method == "POST" and "_refresh" in request.POST
    if searching:
        # The property search without JavaScript: show the matches, keep everything typed.
        form = InquiryConvertForm(request.POST, **form_kwargs)
        q = clean_search_text(str(form["property_search"].value() or ""))
        form.prepare_property_picker(property_options(org, q, PICKER_MATCHES) if q else ())
    elif request.method == "POST":
        form = InquiryConvertForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                case = convert_service(
                    org=org,
                    actor=request.user,
                    inquiry=inquiry,
                    case_data=form.case_data(),
                    new_customer=form.new_customer(),
                    attachments=form.cleaned_data["attachments"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                # Back to the tray, filtered as it was, with the next inquiry open (issue 14).
                messages.success(request, case_created_text(case, org.slug))
                for text, queued in message_outcome_texts(case):
                    (messages.success if queued else messages.warning)(request, text)
                following = selectors.next_new_inquiry(org, inquiry, **tray_filters(request.GET))
                return redirect(tray_url(org.slug, tray_query(request.GET), following))
    else:
        form = InquiryConvertForm(**form_kwargs)
    return render(
        request,
        "inquiries/convert.html",
        {
            "form": form,
            "inquiry": inquiry,
            "rule": rule,
            "people": _property_people(inquiry),
            "property_autocomplete_url": optional_url("properties:property_autocomplete", org.slug),
            "tray_query": tray_query(request.GET),
        },
    )


@require_POST
@org_view(roles=STAFF_ROLES)
def inquiry_convert_now(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    """ "Create case" in the tray's preview: the case as the channel's intake rule makes it (the
    form's suggestions, unedited), then the next inquiry in the same panel. Without
    JavaScript, the tray again with the next inquiry open."""
    org = request.org
    inquiry = get_for_org_or_404(Inquiry, org, pk=inquiry_id)
    cases = inquiries_convert_by_rules(org=org, actor=request.user, ids=[inquiry.pk], bulk=False)
    case = cases[0] if cases else None
    following = selectors.next_new_inquiry(org, inquiry, **tray_filters(request.GET))
    query = tray_query(request.GET)
    if case is None:
        error = _("This inquiry has already been handled.")
    if not is_htmx(request):
        if case is None:
            messages.error(request, error)
        else:
            messages.success(request, case_created_text(case, org.slug))
            for text, queued in message_outcome_texts(case):
                (messages.success if queued else messages.warning)(request, text)
        return redirect(tray_url(org.slug, query, following))
    return render(
        request,
        "inquiries/_tray_next.html",
        {
            "done": inquiry,
            "created": case_created_text(case, org.slug) if case else "",
            "error": error if case is None else "",
            "outcomes": message_outcome_texts(case) if case else [],
            "inquiry": following,
            "pending": selectors.pending_notifications(following) if following else [],
            "tray_query": query,
        },
    )
