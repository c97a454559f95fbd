"""The dashboard (caseworkers and admins) and its reports as CSV or XLSX downloads.

The figures of one organization and filter set, and the page body drawn from them, are kept in
the cache (reports/dashboard/cache.py; the page says "Figures as of hh:mm"): a cached page is
one cache read and the filter form. Downloads use the same cached figures, so a download holds
exactly what the page showed."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases.selectors.lists import team_choices
from cases.views.lists_table import optional_url
from config.db_router import replica_view
from organizations.scoping import STAFF_ROLES, org_view
from organizations.tabular import FORMATS, table_response
from reports.dashboard.cache import CACHE_SECONDS, cached_figures, dashboard_page
from reports.dashboard.filters import DashboardFilterForm
from reports.dashboard.tables import REPORTS, report_table


def _filter_form(request: HttpRequest) -> DashboardFilterForm:
    params = {k: v for k, v in request.GET.items() if k in DashboardFilterForm.base_fields}
    form = DashboardFilterForm(params or None, org=request.org, teams=team_choices(request.org))
    form.prepare_property_picker(empty_label=_("Any"))
    if form.is_bound:
        form.is_valid()
    return form


@replica_view  # read-only figures: may read the replica (config/db_router.py)
@require_GET
@org_view(roles=STAFF_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    filters = form.filters(timezone.now())
    page, figures = dashboard_page(request.org, filters)
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "figures": figures,  # None when the page came from the cache
            "cache_minutes": CACHE_SECONDS // 60,
            "property_autocomplete_url": optional_url(
                "properties:property_autocomplete", request.org.slug
            ),
        },
    )


@replica_view
@require_GET
@org_view(roles=STAFF_ROLES)
def dashboard_download(request: HttpRequest, report: str, fmt: str) -> HttpResponse:
    """One of the dashboard's tables, as shown for the same filters, as CSV or XLSX."""
    if report not in REPORTS or fmt not in FORMATS:
        raise Http404
    form = _filter_form(request)
    figures = cached_figures(request.org, form.filters(timezone.now()))
    table = report_table(figures, report)
    stamp = date_format(timezone.localdate(), "Y-m-d")
    return table_response(
        fmt=fmt,
        filename=f"dashboard-{report}-{stamp}",
        header=table.header,
        rows=table.rows,
        title=table.title,
    )
