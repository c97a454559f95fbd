"""New inquiry in the portal: choose a form (skipped when there is one), fill it in, send.

A rejected form loses nothing: what was typed comes back, and every file that passed the checks
is kept (`portal.inquiry.pending`) and offered again with its preview, so the resident fixes
only what is missing; a file that failed (too large, wrong type) is named in the error.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.services.attachments import attachment_check
from inquiries.services.files import MAX_FILES
from organizations.web import add_service_errors, parse_id
from portal.auth import portal_view
from portal.forms_inquiry import PortalInquiryForm
from portal.inquiry.pending import (
    PendingFile,
    pending_delete,
    pending_load,
    pending_load_many,
    pending_store,
)
from portal.inquiry.selectors import inquiry_forms_for_portal, resident_properties
from portal.inquiry.services import portal_inquiry_submit
from portal.models import InquiryForm
from portal.views.common import portal_render

# Bounds the work one request can ask for, whatever it sends.
_MAX_TOKENS = MAX_FILES * 2
_MAX_NEW_FILES = MAX_FILES * 2


def _chosen(request, forms: list[InquiryForm]) -> InquiryForm | None:
    if len(forms) == 1:
        return forms[0]
    wanted = parse_id(request.GET.get("form"))
    return next((f for f in forms if f.pk == wanted), None)


def _form_url(org, inquiry_form: InquiryForm) -> str:
    url = reverse("portal:inquiry_new", args=[org.slug])
    return f"{url}?form={inquiry_form.pk}" if inquiry_form.pk else url


def _keep_uploads(request, form: PortalInquiryForm) -> tuple[list[PendingFile], list[str]]:
    """The files the resident keeps (earlier ones not removed, plus new ones that pass the
    checks, each stored at once) and the problems of the new ones that did not."""
    org, resident = request.org, request.resident
    remove = set(request.POST.getlist("remove")[:_MAX_TOKENS])
    tokens = [t for t in request.POST.getlist("kept")[:_MAX_TOKENS] if t not in remove]
    kept = pending_load_many(org, resident, tokens)
    pending_delete([p for t in remove if (p := pending_load(org, resident, t)) is not None])
    errors: list[str] = []
    if "attachments" not in form.fields:
        return kept, errors
    for upload in request.FILES.getlist("attachments")[:_MAX_NEW_FILES]:
        try:
            checked = attachment_check(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
        else:
            kept.append(pending_store(org, resident, checked))
    return kept, errors


def _check_files(form: PortalInquiryForm, kept: list[PendingFile], errors: list[str]) -> None:
    field = form.fields.get("attachments")
    if field is None:
        return
    if len(kept) > MAX_FILES:
        errors.append(
            _("Attach at most %(count)s files; remove %(extra)s of them.")
            % {"count": MAX_FILES, "extra": len(kept) - MAX_FILES}
        )
    if field.files_required and not kept and not errors:
        errors.append(_("Add at least one photo or document."))
    if form.inquiry_form.photo_required and not any(p.is_image for p in kept) and not errors:
        errors.append(_("Add at least one photo."))
    for error in errors:
        form.add_error("attachments", error)


@portal_view()
def inquiry_new(request):
    org, resident = request.org, request.resident
    forms = inquiry_forms_for_portal(org)
    inquiry_form = _chosen(request, forms)
    if inquiry_form is None:
        choices = [(f, _form_url(org, f)) for f in forms]
        return portal_render(request, "portal/inquiry/choose.html", {"choices": choices})
    homes = resident_properties(org, resident.customer)
    kept: list[PendingFile] = []
    if request.method != "POST":
        form = PortalInquiryForm(
            inquiry_form=inquiry_form, homes=homes, initial={"phone": resident.customer.phone}
        )
    else:
        # The files are the view's (kept across a rejected form), not the form's to clean.
        form = PortalInquiryForm(request.POST, inquiry_form=inquiry_form, homes=homes)
        kept, file_errors = _keep_uploads(request, form)
        valid = form.is_valid()
        _check_files(form, kept, file_errors)
        if valid and not form.errors:
            try:
                portal_inquiry_submit(
                    org=org,
                    resident=resident,
                    inquiry_form=inquiry_form,
                    values=form.values(),
                    files=kept,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Thank you. We have received your inquiry and will get back to you.")
                )
                return redirect("portal:home", org_slug=org.slug)
    context = {
        "form": form,
        "inquiry_form": inquiry_form,
        "kept": kept,
        "several_forms": len(forms) > 1,
        "action": _form_url(org, inquiry_form),
        "max_bytes": settings.ATTACHMENT_MAX_BYTES,
    }
    return portal_render(request, "portal/inquiry/form.html", context)


@portal_view()
def inquiry_upload_preview(request, token: str):
    """A kept photo, for its preview on the form: only the resident who uploaded it gets it."""
    pending = pending_load(request.org, request.resident, token)
    if pending is None or not pending.previewable:
        raise Http404
    response = FileResponse(
        default_storage.open(pending.stored_name, "rb"), content_type=pending.content_type
    )
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response
