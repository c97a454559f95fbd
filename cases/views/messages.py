"""The composer's outgoing messages: reply to the customer, forward to an external contact,
and "Send again" for a message that failed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.forms_detail import apply_errors
from cases.forms_messages import ForwardForm, ReplyForm
from cases.selectors.detail import case_contact, case_for_page, case_timeline, message_event
from cases.selectors.panels import case_attachments
from cases.services.messages import case_message_retry, case_message_send
from cases.views.detail import back_to_case, composer_context, render_fragment, render_page
from notifications.models import OutboundMessage
from organizations.scoping import STAFF_ROLES, org_view
from organizations.web import is_htmx

Kind = OutboundMessage.Kind


def _sent_message(events) -> str:
    return _("The message is queued for sending; the history shows its status.") if events else ""


def _send(request, number: int, kind: str) -> HttpResponse:
    case = case_for_page(request.org, number)
    attachments = case_attachments(request.org, case)
    if kind == Kind.REPLY:
        form_class, form_key = ReplyForm, "reply_form"
    else:
        form_class, form_key = ForwardForm, "forward_form"
    form = form_class(request.POST, attachments=attachments)
    events = []
    if form.is_valid():
        if kind == Kind.REPLY:
            contact = case_contact(request.org, case)
            typed = (form.cleaned_data.get("email") or "").strip().lower()
            # The customer's name only on a message to the customer's own address.
            same = bool(contact["email"]) and typed == contact["email"].lower()
            outgoing = form.outgoing(name=contact["name"] if same else "")
        else:
            outgoing = form.outgoing()
        try:
            events = case_message_send(
                org=request.org, actor=request.user, case=case, kind=kind, message=outgoing
            )
        except ValidationError as exc:
            apply_errors(form, exc, default_field="text")
    if form.errors:
        if not is_htmx(request):
            return render_page(request, case, **{form_key: form})
        return render_fragment(
            request,
            case,
            "cases/detail/_composer.html",
            composer_context(request, case, attachments=attachments, **{form_key: form}),
            live=_("The message was not sent; see the error."),
            status=400,
        )
    live = _sent_message(events)
    if not is_htmx(request):
        return back_to_case(request, case, live, anchor=f"event-{events[-1].pk}")
    case = case_for_page(request.org, number)
    return render_fragment(
        request,
        case,
        "cases/detail/_composer.html",
        composer_context(request, case, attachments=attachments, tab=form_key),
        events=events,
        live=live,
    )


@require_POST
@org_view(roles=STAFF_ROLES)
def reply_send_view(request, number: int):
    return _send(request, number, Kind.REPLY)


@require_POST
@org_view(roles=STAFF_ROLES)
def forward_send_view(request, number: int):
    return _send(request, number, Kind.FORWARD)


@require_POST
@org_view(roles=STAFF_ROLES)
def message_retry_view(request, number: int, message_id: int):
    """Queue a failed message of this case again; answers with its history entry."""
    case = case_for_page(request.org, number)
    event = message_event(request.org, case, message_id)
    if event is None:
        raise Http404
    try:
        case_message_retry(
            org=request.org, actor=request.user, case=case, outbound_message_id=message_id
        )
    except OutboundMessage.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        live = " ".join(exc.messages)
        if not is_htmx(request):
            messages.error(request, live)
            return back_to_case(request, case, "", anchor=f"event-{event.pk}")
    else:
        live = _("The message is queued to be sent again.")
        if not is_htmx(request):
            return back_to_case(request, case, live, anchor=f"event-{event.pk}")
    events = case_timeline(request.org, case, event_ids=[event.pk])
    html = render_to_string(
        "cases/detail/_event.html", {"case": case, "events": events, "live": live}, request=request
    )
    return HttpResponse(html)


@require_GET
@org_view(roles=STAFF_ROLES)
def message_status_view(request, number: int, message_id: int):
    """One sent message's history entry as it is now (the page polls while it is on its way)."""
    case = case_for_page(request.org, number)
    event = message_event(request.org, case, message_id)
    if event is None:
        raise Http404
    events = case_timeline(request.org, case, event_ids=[event.pk])
    html = render_to_string(
        "cases/detail/_event.html", {"case": case, "events": events, "live": ""}, request=request
    )
    return HttpResponse(html)
