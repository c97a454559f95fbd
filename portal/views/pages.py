"""A signed-in resident's pages: My requests, a case and its conversation, the profile."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.views.attachments import INLINE_TYPES, serve_file
from organizations.web import add_service_errors, parse_id
from portal.auth import portal_view
from portal.forms import MessageForm, PasswordSetForm, ProfileForm
from portal.selectors import (
    case_for_resident,
    conversation,
    requests_for_resident,
    resident_attachment_or_404,
)
from portal.services.accounts import password_set, profile_update
from portal.services.messages import resident_can_write, resident_message_send
from portal.views.common import portal_render


@require_GET
@portal_view()
def home(request: HttpRequest) -> HttpResponse:
    page = parse_id(request.GET.get("page")) or 1
    result = requests_for_resident(request.org, request.resident.customer, page)
    return portal_render(request, "portal/home.html", {"page": result})


def _case_page(request: HttpRequest, case, form: MessageForm, status: int = 200) -> HttpResponse:
    customer = request.resident.customer
    return portal_render(
        request,
        "portal/case.html",
        {
            "case": case,
            "items": conversation(request.org, customer, case),
            "form": form,
            "can_write": resident_can_write(case),
        },
        status=status,
    )


@require_GET
@portal_view()
def case_detail(request: HttpRequest, number: int) -> HttpResponse:
    case = case_for_resident(request.org, request.resident.customer, number)
    return _case_page(request, case, MessageForm())


@require_POST
@portal_view()
def case_message(request: HttpRequest, number: int) -> HttpResponse:
    org, account = request.org, request.resident
    case = case_for_resident(org, account.customer, number)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        files = []
        for upload in form.cleaned_data["files"]:
            upload.seek(0)
            files.append((upload.name, upload.read()))
        try:
            resident_message_send(
                org=org, account=account, case=case, text=form.cleaned_data["text"], files=files
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your message is sent."))
            return redirect(reverse("portal:case", args=[org.slug, case.number]) + "#conversation")
    if form.errors.get("files"):
        form.add_error(None, _("Nothing was sent. Choose the files again; your text is kept."))
    return _case_page(request, case, form, status=400)


@require_GET
@portal_view()
def case_file(request: HttpRequest, number: int, attachment_id: int) -> HttpResponse:
    org, customer = request.org, request.resident.customer
    case = case_for_resident(org, customer, number)
    attachment = resident_attachment_or_404(org, customer, case, attachment_id)
    inline = attachment.content_type in INLINE_TYPES
    response = serve_file(
        attachment.file,
        attachment.content_type,
        "inline" if inline else "attachment",
        attachment.original_name,
    )
    response["Cache-Control"] = "no-store, private"
    return response


def _profile_page(request, form, password_form, status=200) -> HttpResponse:
    return portal_render(
        request,
        "portal/profile.html",
        {"form": form, "password_form": password_form, "account": request.resident},
        status=status,
    )


def _profile_initial(account) -> dict:
    customer = account.customer
    return {
        "name": customer.name,
        "phone": customer.phone,
        "address": customer.address,
        "postcode": customer.postcode,
        "city": customer.city,
        "language": account.language,
        "notify_by": account.notify_by,
    }


@require_http_methods(["GET", "POST"])
@portal_view()
def profile(request: HttpRequest) -> HttpResponse:
    org, account = request.org, request.resident
    if request.method == "GET":
        return _profile_page(
            request, ProfileForm(initial=_profile_initial(account)), PasswordSetForm()
        )
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            profile_update(org=org, account=account, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect(reverse("portal:profile", args=[org.slug]))
    return _profile_page(request, form, PasswordSetForm(), status=400)


@require_POST
@portal_view()
def profile_password(request: HttpRequest) -> HttpResponse:
    org, account = request.org, request.resident
    form = PasswordSetForm(request.POST)
    if form.is_valid():
        try:
            password_set(
                org=org,
                account=account,
                password=form.cleaned_data["password"],
                repeat=form.cleaned_data["repeat"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your password is saved.")
                if form.cleaned_data["password"]
                else _("Your password is removed: sign in with e-mailed links."),
            )
            return redirect(reverse("portal:profile", args=[org.slug]))
    return _profile_page(request, ProfileForm(initial=_profile_initial(account)), form, status=400)
