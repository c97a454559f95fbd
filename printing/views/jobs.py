"""A print job's page (polled with htmx while the worker renders) and its download."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cases.views.attachments import content_disposition
from config.storage import presigned_redirect
from organizations.scoping import STAFF_ROLES, get_for_org_or_404, org_view
from organizations.web import is_htmx
from printing.models import PrintJob


@org_view(roles=STAFF_ROLES)
@require_safe
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_for_org_or_404(PrintJob, request.org, pk=job_id)
    template = "printing/_job_status.html" if is_htmx(request) else "printing/job.html"
    return render(request, template, {"job": job})


@org_view(roles=STAFF_ROLES)
@require_safe
def job_download(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_for_org_or_404(PrintJob, request.org, pk=job_id)
    if job.is_expired or (job.status == PrintJob.Status.DONE and not job.file):
        return render(request, "printing/job_expired.html", {"job": job}, status=410)
    if job.status != PrintJob.Status.DONE:
        return render(request, "printing/job.html", {"job": job}, status=409)
    try:
        redirect = presigned_redirect(
            job.file,
            content_type="application/pdf",
            disposition=content_disposition("attachment", job.filename),
            cache_control="private, no-store",
        )
        if redirect:
            return redirect
        file = job.file.open("rb")
    except FileNotFoundError:
        return render(request, "printing/job_expired.html", {"job": job}, status=410)
    response = FileResponse(
        file, content_type="application/pdf", as_attachment=True, filename=job.filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
