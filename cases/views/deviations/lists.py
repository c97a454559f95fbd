"""The deviation list with its filters, and the same rows as a CSV download."""

from __future__ import annotations

from collections.abc import Iterator

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases.forms_deviations import DeviationFilterForm
from cases.forms_lists import ListChoices
from cases.selectors.deviations import deviation_list, deviations_in_batches
from cases.views.lists_table import optional_url
from config.db_router import replica_reads
from organizations.scoping import STAFF_ROLES, org_view
from organizations.tabular import csv_lines

PAGE_SIZE = 50
# A cell starting like a formula is read as one by spreadsheets; such cells get a leading '.


def _filter_form(request: HttpRequest) -> DeviationFilterForm:
    org = request.org
    params = {k: v for k, v in request.GET.items() if k in DeviationFilterForm.base_fields}
    form = DeviationFilterForm(params or None, org=org, choices=ListChoices(org))
    form.prepare_property_picker(empty_label=_("Any"))
    if form.is_bound:
        form.is_valid()
    return form


@require_GET
@org_view(roles=STAFF_ROLES)
def deviation_list_view(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    rows = deviation_list(request.org, form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/deviations/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "property_autocomplete_url": optional_url(
                "properties:property_autocomplete", request.org.slug
            ),
        },
    )


def _csv_lines(deviations) -> Iterator[str]:
    # Read as it is sent (after the view's transaction), from the replica when there is one.
    with replica_reads():
        yield from csv_lines(_csv_header(), _csv_rows(deviations))


def _csv_header() -> list[str]:
    return [
        _("Number"),
        _("Title"),
        _("Type"),
        _("Severity"),
        _("Status"),
        _("Property"),
        _("Location"),
        _("Responsible"),
        _("Due date"),
        _("Overdue"),
        _("Corrective action"),
        _("Case"),
        _("Registered"),
        _("Closed"),
        _("Description"),
    ]


def _csv_rows(deviations) -> Iterator[list[object]]:
    for batch in deviations_in_batches(deviations):
        for d in batch:
            yield [
                d.number,
                d.title,
                d.get_type_display(),
                d.get_severity_display(),
                d.get_status_display(),
                d.property.full_address if d.property_id else "",
                d.location,
                d.responsible,
                d.due_date,
                d.is_overdue,
                d.corrective_action,
                d.case.number if d.case_id else "",
                d.created_at,
                d.closed_at,
                d.description,
            ]


@require_GET
@org_view(roles=STAFF_ROLES)
def deviation_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered list's rows, all of them (no paging), as CSV in UTF-8 with a BOM."""
    form = _filter_form(request)
    deviations = deviation_list(request.org, form.filters())
    response = StreamingHttpResponse(_csv_lines(deviations), content_type="text/csv; charset=utf-8")
    stamp = date_format(timezone.localdate(), "Y-m-d")
    response["Content-Disposition"] = f'attachment; filename="deviations-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
