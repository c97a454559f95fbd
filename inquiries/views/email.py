"""Settings → Inquiries → e-mail: receiving addresses, IMAP mailboxes, and received e-mails that
failed or were set aside (with "retry"); and "link to case" on an inquiry from e-mail."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Case
from inquiries.email.parse import UnparseableEmail, parse
from inquiries.email.pipeline import inbound_retry
from inquiries.forms.email import ImapMailboxForm, LinkToCaseForm, ReceivingAddressForm
from inquiries.models import ImapMailbox, InboundEmail, Inquiry
from inquiries.services.email_link import inquiry_link_to_case
from inquiries.services.email_settings import (
    imap_mailbox_delete,
    imap_mailbox_save,
    receiving_address_add,
    receiving_address_delete,
    receiving_address_make_primary,
)
from notifications.models import ReceivingAddress
from organizations.scoping import ADMIN_ROLES, STAFF_ROLES, for_org, get_for_org_or_404, org_view
from organizations.web import add_service_errors, form_page


def _tabs():
    from inquiries.views.settings import _tabs as rule_tabs

    return rule_tabs()


def _context(group: str, **extra) -> dict:
    return {"group": group, "tabs": _tabs(), **extra}


def _error_messages(request: HttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


# --- Receiving addresses --------------------------------------------------------------------


@org_view(roles=ADMIN_ROLES)
def receiving_addresses(request: HttpRequest) -> HttpResponse:
    org = request.org
    form = ReceivingAddressForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda: receiving_address_add(org=org, actor=request.user, **form.cleaned_data),
        saved_message=_("The address was added."),
        success_url=lambda _obj: request.path,
        template="inquiries/settings/email_addresses.html",
        context=_context(
            "email_addresses",
            addresses=for_org(ReceivingAddress, org).order_by("address"),
        ),
    )


@require_POST
@org_view(roles=ADMIN_ROLES)
def receiving_address_primary(request: HttpRequest, address_id: int) -> HttpResponse:
    address = get_for_org_or_404(ReceivingAddress, request.org, pk=address_id)
    receiving_address_make_primary(org=request.org, actor=request.user, address=address)
    messages.success(request, _("The reply address was changed."))
    return redirect("inquiries:receiving_addresses", org_slug=request.org.slug)


@require_POST
@org_view(roles=ADMIN_ROLES)
def receiving_address_remove(request: HttpRequest, address_id: int) -> HttpResponse:
    address = get_for_org_or_404(ReceivingAddress, request.org, pk=address_id)
    receiving_address_delete(org=request.org, actor=request.user, address=address)
    messages.success(request, _("The address was removed."))
    return redirect("inquiries:receiving_addresses", org_slug=request.org.slug)


# --- IMAP mailboxes -------------------------------------------------------------------------


@org_view(roles=ADMIN_ROLES)
def imap_mailboxes(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inquiries/settings/imap_list.html",
        _context("imap", mailboxes=for_org(ImapMailbox, request.org)),
    )


@org_view(roles=ADMIN_ROLES)
def imap_mailbox_edit(request: HttpRequest, mailbox_id: int | None = None) -> HttpResponse:
    org = request.org
    mailbox = get_for_org_or_404(ImapMailbox, org, pk=mailbox_id) if mailbox_id else None
    form = ImapMailboxForm(request.POST or None, mailbox=mailbox)
    return form_page(
        request,
        form,
        save=lambda: imap_mailbox_save(
            org=org, actor=request.user, mailbox=mailbox, **form.cleaned_data
        ),
        saved_message=_("The mailbox was saved."),
        success_url=lambda _obj: _url("inquiries:imap_mailboxes", org),
        template="inquiries/settings/imap_form.html",
        context=_context("imap", mailbox=mailbox),
    )


@require_POST
@org_view(roles=ADMIN_ROLES)
def imap_mailbox_remove(request: HttpRequest, mailbox_id: int) -> HttpResponse:
    mailbox = get_for_org_or_404(ImapMailbox, request.org, pk=mailbox_id)
    imap_mailbox_delete(org=request.org, actor=request.user, mailbox=mailbox)
    messages.success(request, _("The mailbox was removed. E-mail already received stays."))
    return redirect("inquiries:imap_mailboxes", org_slug=request.org.slug)


def _url(name: str, org) -> str:
    from django.urls import reverse

    return reverse(name, kwargs={"org_slug": org.slug})


# --- Received e-mails that failed or were set aside ----------------------------------------

SHOWN_STATUSES = (InboundEmail.Status.FAILED, InboundEmail.Status.IGNORED)


@org_view(roles=ADMIN_ROLES)
def received_emails(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or InboundEmail.Status.FAILED
    if status not in SHOWN_STATUSES:
        status = InboundEmail.Status.FAILED
    emails = (
        for_org(InboundEmail, request.org)
        .filter(status=status)
        .only(
            "pk", "status", "outcome", "error", "from_address", "subject", "received_at", "source"
        )
        .order_by("-received_at", "-pk")
    )
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "inquiries/settings/received_list.html",
        _context(
            "received",
            page=page,
            status=status,
            statuses=[(s, InboundEmail.Status(s).label) for s in SHOWN_STATUSES],
        ),
    )


@org_view(roles=ADMIN_ROLES)
def received_email_detail(request: HttpRequest, email_id: int) -> HttpResponse:
    email = get_for_org_or_404(InboundEmail, request.org, pk=email_id)
    parsed, parse_error = None, ""
    try:
        parsed = parse(bytes(email.raw))
    except UnparseableEmail as exc:
        parse_error = str(exc)
    except Exception as exc:  # shown to the admin, never a 500
        parse_error = f"{type(exc).__name__}: {exc}"
    return render(
        request,
        "inquiries/settings/received_detail.html",
        _context("received", email=email, parsed=parsed, parse_error=parse_error),
    )


@require_POST
@org_view(roles=ADMIN_ROLES)
def received_email_retry(request: HttpRequest, email_id: int) -> HttpResponse:
    email = get_for_org_or_404(InboundEmail, request.org, pk=email_id)
    try:
        inbound_retry(org=request.org, actor=request.user, email=email)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        email.refresh_from_db()
        messages.success(
            request,
            _("Processed again: %(outcome)s.")
            % {"outcome": email.get_outcome_display() or email.get_status_display()},
        )
    return redirect("inquiries:received_email", org_slug=request.org.slug, email_id=email.pk)


# --- Link to case ---------------------------------------------------------------------------


@org_view(roles=STAFF_ROLES)
def inquiry_link_case(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    org = request.org
    inquiry = get_for_org_or_404(Inquiry, org, pk=inquiry_id)
    if inquiry.channel != "email":
        raise Http404
    form = LinkToCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = for_org(Case, org).filter(number=form.cleaned_data["number"]).first()
        if case is None:
            form.add_error("number", _("There is no case with that number."))
        else:
            try:
                inquiry_link_to_case(org=org, actor=request.user, inquiry=inquiry, case=case)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The e-mail was added to case #%(number)s.") % {"number": case.number},
                )
                return redirect("cases:case_detail", org_slug=org.slug, number=case.number)
    return render(request, "inquiries/link_case.html", {"form": form, "inquiry": inquiry})
