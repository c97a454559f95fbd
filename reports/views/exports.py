"""The case list as CSV or XLSX: streamed when small, else a background job with a download page.

GET `cases/export/?format=csv&<the list's filters>` streams the file when the list has at most
BACKGROUND_ABOVE rows; a larger list gets a page saying so, whose button (POST) starts the job,
so following a link never starts work in the background. The job's page polls with htmx and
offers the download, to the user who asked only, until the file expires.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cases.views.attachments import content_disposition
from config.storage import presigned_redirect
from organizations.scoping import STAFF_ROLES, get_for_org_or_404, org_view
from organizations.tabular import CONTENT_TYPES, FORMATS, table_response
from organizations.web import is_htmx
from reports.models import ExportJob
from reports.services.case_export import (
    EXPORT_WIDTHS,
    case_list_query,
    export_filename,
    export_header,
    normalized_query,
    scoped_export_rows,
)
from reports.services.export_jobs import (
    background_threshold,
    case_export_record,
    export_job_create,
)


def _list_url(request: HttpRequest, query: str) -> str:
    url = reverse("cases:case_list", kwargs={"org_slug": request.org.slug})
    return f"{url}?{query}" if query else url


@org_view(roles=STAFF_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def case_export(request: HttpRequest) -> HttpResponse:
    org = request.org
    params = request.POST if request.method == "POST" else request.GET
    fmt = params.get("format", "")
    query_string = normalized_query(params)
    if fmt not in FORMATS:
        messages.error(request, _("Choose CSV or XLSX."))
        return redirect(_list_url(request, query_string))
    query = case_list_query(org, params)  # another organization's customer or property: 404
    if request.method == "POST":
        try:
            job = export_job_create(org=org, actor=request.user, fmt=fmt, params=params)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(_list_url(request, query_string))
        return redirect("reports:export_job", org_slug=org.slug, export_id=job.pk)
    rows = query.queryset.count()
    if rows > background_threshold():
        context = {
            "rows": rows,
            "format": fmt,
            "hidden": QueryDict(query_string),
            "list_url": _list_url(request, query_string),
        }
        return render(request, "reports/export_confirm.html", context)
    case_export_record(org=org, actor=request.user, fmt=fmt, rows=rows, query=query_string)
    response = table_response(
        fmt=fmt,
        filename=export_filename(org),
        header=export_header(),
        rows=scoped_export_rows(
            org.pk,
            query,
            language=translation.get_language() or "",
            time_zone=timezone.get_current_timezone_name(),
        ),
        title=_("Cases"),
        widths=EXPORT_WIDTHS,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _job(request: HttpRequest, export_id: int) -> ExportJob:
    """The job, only for the user who asked for it (anyone else: 404)."""
    return get_for_org_or_404(ExportJob, request.org, pk=export_id, requested_by=request.user)


@org_view(roles=STAFF_ROLES)
@require_safe
def export_job(request: HttpRequest, export_id: int) -> HttpResponse:
    job = _job(request, export_id)
    template = "reports/_export_status.html" if is_htmx(request) else "reports/export_job.html"
    return render(request, template, {"job": job, "list_url": _list_url(request, job.query)})


@org_view(roles=STAFF_ROLES)
@require_safe
def export_download(request: HttpRequest, export_id: int) -> HttpResponse:
    job = _job(request, export_id)
    context = {"job": job, "list_url": _list_url(request, job.query)}
    if job.is_expired or (job.status == ExportJob.Status.DONE and not job.file):
        return render(request, "reports/export_expired.html", context, status=410)
    if job.status != ExportJob.Status.DONE:
        return render(request, "reports/export_job.html", context, status=409)
    content_type = CONTENT_TYPES[job.format]
    try:
        presigned = presigned_redirect(
            job.file,
            content_type=content_type,
            disposition=content_disposition("attachment", job.filename),
            cache_control="private, no-store",
        )
        if presigned:
            return presigned
        file = job.file.open("rb")
    except FileNotFoundError:
        return render(request, "reports/export_expired.html", context, status=410)
    response = FileResponse(
        file, content_type=content_type, as_attachment=True, filename=job.filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
