"""Uploading attachments to a case, and serving them: only through these organization-checked
views, never from a public media URL."""

from __future__ import annotations

from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.forms_detail import apply_errors
from cases.forms_panels import AttachmentForm
from cases.models import Attachment
from cases.selectors.detail import attachment_events, case_for_page
from cases.selectors.tasks import attachment_for_member_or_404
from cases.services.attachments import INLINE_TYPES, attachments_add
from cases.views.detail import (
    attachments_context,
    back_to_case,
    is_htmx,
    render_fragment,
    render_page,
)
from config.storage import presigned_redirect
from organizations.scoping import ALL_ROLES, STAFF_ROLES, org_view

PANEL = "cases/detail/_attachments.html"


@require_POST
@org_view(roles=STAFF_ROLES)
def attachment_add_view(request, number: int):
    case = case_for_page(request.org, number)
    form = AttachmentForm(request.POST, request.FILES)
    rows: list[Attachment] = []
    if form.is_valid():
        try:
            rows = attachments_add(
                org=request.org,
                actor=request.user,
                case=case,
                uploads=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            apply_errors(form, exc, default_field="files")
    if not rows:
        if not is_htmx(request):
            return render_page(request, case, attachment_form=form)
        return render_fragment(
            request,
            case,
            PANEL,
            attachments_context(request, case, attachment_form=form),
            live=_("Nothing was attached; see the error."),
            status=400,
        )
    live = _("%(count)s file(s) attached.") % {"count": len(rows)}
    if not is_htmx(request):
        return back_to_case(request, case, live, anchor="case-attachments")
    return render_fragment(
        request,
        case,
        PANEL,
        attachments_context(request, case),
        events=attachment_events(request.org, case, rows),
        live=live,
    )


def content_disposition(disposition: str, filename: str) -> str:
    """RFC 6266 header with an ASCII fallback and the exact name RFC 5987-encoded."""
    fallback = (
        filename.encode("ascii", "replace").decode("ascii").replace("\\", "_").replace('"', "'")
    )
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def serve_file(file, content_type: str, disposition: str, filename: str) -> HttpResponse:
    """A stored upload, safe to open in the browser: 404 when the file is gone. Streamed from
    the storage (local disk or S3), or with MEDIA_S3_REDIRECT a presigned redirect to it."""
    header = content_disposition(disposition, filename)
    try:
        redirect = presigned_redirect(
            file, content_type=content_type, disposition=header, cache_control="private"
        )
        if redirect:
            return redirect
        handle = file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = header
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser rendered a file itself, it could run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
@org_view(roles=ALL_ROLES)
def attachment_download(request, number: int, attachment_id: int):
    attachment = attachment_for_member_or_404(
        request.org, request.user, request.membership, number=number, attachment_id=attachment_id
    )
    inline = attachment.content_type in INLINE_TYPES and not request.GET.get("download")
    return serve_file(
        attachment.file,
        attachment.content_type,
        "inline" if inline else "attachment",
        attachment.original_name,
    )


@require_GET
@org_view(roles=ALL_ROLES)
def attachment_thumbnail(request, number: int, attachment_id: int):
    attachment = attachment_for_member_or_404(
        request.org, request.user, request.membership, number=number, attachment_id=attachment_id
    )
    if not attachment.thumbnail:
        raise Http404
    content_type = "image/png" if attachment.thumbnail.name.endswith(".png") else "image/jpeg"
    return serve_file(attachment.thumbnail, content_type, "inline", attachment.original_name)
