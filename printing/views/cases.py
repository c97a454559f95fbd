"""Printing a case: the choice of audience (and internal notes), then the PDF or a job."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from cases.selectors.detail import case_get
from organizations.scoping import STAFF_ROLES, org_view
from organizations.web import add_service_errors
from printing.forms import CasePrintForm
from printing.selectors import case_size
from printing.services.case_pdf import case_pdf_render
from printing.services.jobs import case_job_create
from printing.views.common import pdf_response, to_job

# A case with more history entries than this renders in the worker (its PDF can take seconds).
INLINE_CASE_EVENTS = 300


@org_view(roles=STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def case_print(request: HttpRequest, number: int) -> HttpResponse:
    case = case_get(request.org, number)
    form = CasePrintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        audience = form.cleaned_data["audience"]
        include_notes = form.cleaned_data["include_notes"]
        language = translation.get_language()
        if case_size(request.org, case) <= INLINE_CASE_EVENTS:
            rendered = case_pdf_render(
                request.org,
                case.number,
                audience=audience,
                include_notes=include_notes,
                language=language,
            )
            return pdf_response(rendered.content, rendered.filename)
        try:
            job = case_job_create(
                org=request.org,
                actor=request.user,
                case=case,
                audience=audience,
                include_notes=include_notes,
                language=language,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return to_job(request, job)
    status = 400 if form.errors else 200
    return render(request, "printing/case_print.html", {"case": case, "form": form}, status=status)
