"""The tray: list, filters, preview, attachments and bulk actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cases.services.attachments import INLINE_TYPES
from cases.views.attachments import serve_file
from inquiries import selectors
from inquiries.forms.lists import InquiryBulkForm, InquiryFilterForm
from inquiries.models import Inquiry, InquiryAttachment
from inquiries.services.convert import inquiry_convert_many
from inquiries.services.lifecycle import RESTORE_DAYS, inquiry_delete_many, inquiry_restore_many
from inquiries.views.common import new_case_url
from inquiries.views.tray import tray_query
from organizations.scoping import STAFF_ROLES, get_for_org_or_404, org_view
from organizations.web import is_htmx, parse_id, parse_ids

PAGE_SIZE = 50


def _filter_form(request: HttpRequest) -> InquiryFilterForm:
    params = {k: v for k, v in request.GET.items() if k in InquiryFilterForm.base_fields}
    form = InquiryFilterForm(params or None)
    if form.is_bound:
        form.is_valid()
    return form


def _render_list(
    request: HttpRequest, bulk_form: InquiryBulkForm, status: int = 200
) -> HttpResponse:
    filter_form = _filter_form(request)
    filters = filter_form.filters()
    rows = selectors.inquiry_list(request.org, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("preview", None)
    selected = set(bulk_form.cleaned_data.get("ids", [])) if bulk_form.is_bound else set()
    if bulk_form.is_bound and not selected:
        selected = set(parse_ids(request.POST.getlist("ids")))
    # After a case was made, the next inquiry opens beside the list (`?preview=`).
    preview_id = parse_id(request.GET.get("preview", ""))
    preview = None
    if preview_id is not None and filters["status"] == Inquiry.Status.NEW:
        preview = selectors.inquiry_for_preview(request.org).filter(pk=preview_id).first()
    return render(
        request,
        "inquiries/list.html",
        {
            "filter_form": filter_form,
            "bulk_form": bulk_form,
            "page": page,
            "status": filters["status"],
            "query": query.urlencode(),
            "selected": selected,
            "new_case_url": new_case_url(request.org.slug),
            "restore_days": RESTORE_DAYS,
            "preview": preview,
            "pending": selectors.pending_notifications(preview) if preview else [],
            "tray_query": tray_query(request.GET),
        },
        status=status,
    )


@require_GET
@org_view(roles=STAFF_ROLES)
def inquiry_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, InquiryBulkForm())


@require_POST
@org_view(roles=STAFF_ROLES)
def inquiry_bulk(request: HttpRequest) -> HttpResponse:
    """Create cases from, delete or restore the ticked inquiries; back to the same list."""
    form = InquiryBulkForm(request.POST)
    if not form.is_valid():
        return _render_list(request, form)
    org, actor = request.org, request.user
    ids, action = form.cleaned_data["ids"], form.cleaned_data["action"]
    try:
        if action == "convert":
            count = len(inquiry_convert_many(org=org, actor=actor, inquiries=ids))
            text = ngettext("%(count)d case created.", "%(count)d cases created.", count)
        elif action == "delete":
            count = inquiry_delete_many(
                org=org, actor=actor, inquiries=ids, reason=form.cleaned_data["reason"]
            )
            text = ngettext(
                "%(count)d inquiry deleted. It can be restored for %(days)d days.",
                "%(count)d inquiries deleted. They can be restored for %(days)d days.",
                count,
            )
        else:
            count = inquiry_restore_many(org=org, actor=actor, inquiries=ids)
            text = ngettext("%(count)d inquiry restored.", "%(count)d inquiries restored.", count)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _render_list(request, form)
    messages.success(request, text % {"count": count, "days": RESTORE_DAYS})
    url = reverse("inquiries:inquiry_list", kwargs={"org_slug": org.slug})
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


@require_GET
@org_view(roles=STAFF_ROLES)
def inquiry_preview(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    """The inquiry's message, sender, property, location and files: a panel for htmx, else a
    page of its own."""
    inquiry = get_for_org_or_404(
        selectors.inquiry_for_preview(request.org), request.org, pk=inquiry_id
    )
    context = {
        "inquiry": inquiry,
        "pending": selectors.pending_notifications(inquiry),
        "tray_query": tray_query(request.GET),
    }
    if is_htmx(request):
        return render(request, "inquiries/_preview.html", context)
    return render(request, "inquiries/detail.html", context)


@require_GET
@org_view(roles=STAFF_ROLES)
def inquiry_attachment(request: HttpRequest, inquiry_id: int, attachment_id: int) -> FileResponse:
    attachment = get_for_org_or_404(
        InquiryAttachment, request.org, pk=attachment_id, inquiry_id=inquiry_id
    )
    inline = attachment.content_type in INLINE_TYPES and not request.GET.get("download")
    return serve_file(
        attachment.file,
        attachment.content_type,
        "inline" if inline else "attachment",
        attachment.original_name,
    )
