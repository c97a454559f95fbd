"""The caseworker's inbox and the case list.

Both render `cases/_results.html` (the table, bulk actions and pagination). An htmx request gets
only that partial (or the inbox body with its tab counts), a normal request the whole page.
"""

from __future__ import annotations

import functools
from collections.abc import Collection

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from cases.forms_lists import BulkActionForm, CaseFilterForm, ListChoices
from cases.selectors.inbox import INBOX_TABS, inbox_counts, inbox_with_counts
from cases.selectors.inbox_counts import cached_inbox_counts, remember_inbox_counts
from cases.selectors.lists import case_list_filtered, case_page
from cases.views.lists_table import optional_url, query_url, rows_html, table_context
from customers.models import Customer
from organizations import tenancy
from organizations.after_response import after_response
from organizations.models import Organization, User
from organizations.scoping import STAFF_ROLES, get_for_org_or_404, org_view
from organizations.web import is_htmx, search_query
from properties.models import Container, Property

INBOX_BODY_ID = "inbox-body"
# The case list's filters always in view; the others fold away under "More filters".
PRIMARY_FILTERS = {"q", "status", "assignee", "priority", "sort"}


@org_view(roles=STAFF_ROLES)
def inbox(request: HttpRequest) -> HttpResponse:
    return render_inbox(request, request.GET)


@org_view(roles=STAFF_ROLES)
def case_list(request: HttpRequest) -> HttpResponse:
    scanned = scanned_container_url(request)
    if scanned:
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = scanned
            return response
        return redirect(scanned)
    return render_case_list(request, request.GET)


def scanned_container_url(request: HttpRequest) -> str:
    """The container page when the search text is exactly one of the organization's container
    IDs (a scanned or typed label barcode) and nothing else filters the list; else ""."""
    text = search_query(request).strip()
    others = any(v for k, v in request.GET.items() if k not in ("q", "sort"))
    if not text or others or len(text) > 64:
        return ""
    pk = (
        Container.objects.filter(organization=request.org, container_id=text)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        return ""
    return reverse(
        "properties:container_detail", kwargs={"org_slug": request.org.slug, "container_pk": pk}
    )


def render_inbox(
    request: HttpRequest,
    params: QueryDict,
    *,
    bulk_form: BulkActionForm | None = None,
    checked: Collection[int] = (),
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    """The inbox for `params` (the page's query string); also used after a bulk action."""
    org, user = request.org, request.user
    tab = params.get("tab")
    if tab not in INBOX_TABS:
        tab = "unanswered"
    known = cached_inbox_counts(org, user)
    found = inbox_with_counts(
        org,
        user,
        tab,
        sort=params.get("sort"),
        after=params.get("after"),
        before=params.get("before"),
        counts=known and known.counts,
    )
    if known is None:
        remember_inbox_counts(org, user, found.counts)
    page, counts = found.page, found.counts
    choices = ListChoices(org)
    path = reverse("cases:inbox", kwargs={"org_slug": org.slug})
    tab_params = params.copy()
    for key in ("after", "before", "tab"):
        tab_params.pop(key, None)
    context = {
        **table_context(path=path, params=params, page=page, org_slug=org.slug),
        "tab": tab,
        "tabs": [
            {
                "key": key,
                "count": counts[key],
                "url": query_url(path, tab_params, tab=key),
                "current": key == tab,
            }
            for key in INBOX_TABS
        ],
        "bulk_form": bulk_form or BulkActionForm(choices=choices),
        "choices": choices,
        "checked": set(checked),
        "notice": notice,
        "swap_target": f"#{INBOX_BODY_ID}",
        "list_kind": "inbox",
        "htmx": is_htmx(request),
    }
    context["rows_html"] = rows_html(page.rows, selectable=True, checked=context["checked"])
    if is_htmx(request):
        template = (
            "cases/_inbox_body.html"
            if request.headers.get("HX-Target") == INBOX_BODY_ID
            else "cases/_results.html"
        )
    else:
        template = "cases/inbox.html"
    response = render(request, template, context, status=status)
    if known is not None and known.due:
        after_response(response, functools.partial(count_inbox_again, org, user))
    return response


def count_inbox_again(org: Organization, user: User) -> None:
    """Count `user`'s inbox tabs again and keep them (after a response, see inbox_counts.py)."""
    with tenancy.organization_scope(org):
        remember_inbox_counts(org, user, inbox_counts(org, user))


def render_case_list(
    request: HttpRequest,
    params: QueryDict,
    *,
    bulk_form: BulkActionForm | None = None,
    checked: Collection[int] = (),
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    """The case list for `params`; `?fragment=1` gives the bare table for other pages."""
    org = request.org
    choices = ListChoices(org)
    form = CaseFilterForm(params, choices=choices)
    form.is_valid()
    filters = form.active_filters()
    # Ids in the URL are fetched like any other: another organization's give 404.
    customer = prop = None
    if filters.get("customer"):
        customer = get_for_org_or_404(Customer, org, pk=filters["customer"])
        filters["customer"] = customer
    if filters.get("property"):
        prop = get_for_org_or_404(Property, org, pk=filters["property"])
        filters["property"] = prop
    form.show_selected("customer", customer)
    form.show_selected("property", prop)
    fragment = params.get("fragment") == "1"
    page = case_page(
        case_list_filtered(org, filters),
        sort=params.get("sort"),
        after=params.get("after"),
        before=params.get("before"),
    )
    path = reverse("cases:case_list", kwargs={"org_slug": org.slug})
    context = {
        **table_context(path=path, params=params, page=page, org_slug=org.slug, fragment=fragment),
        "form": form,
        "more_filters_active": len(
            {k for k, v in form.active_filters().items() if v is not False} - PRIMARY_FILTERS
        ),
        "choices": choices,
        "filter_customer": customer,
        "filter_property": prop,
        "bulk_form": None if fragment else (bulk_form or BulkActionForm(choices=choices)),
        "checked": set(checked),
        "notice": notice,
        "swap_target": "closest .case-results",
        "list_kind": "list",
        "htmx": is_htmx(request),
        "oob_sort": params.get("sort", "") if is_htmx(request) and not fragment else None,
        "customer_autocomplete_url": optional_url("customers:customer_autocomplete", org.slug),
        "property_autocomplete_url": optional_url("properties:property_autocomplete", org.slug),
    }
    context["rows_html"] = rows_html(
        page.rows, selectable=bool(context["bulk_form"]), checked=context["checked"]
    )
    template = "cases/_results.html" if fragment or is_htmx(request) else "cases/list.html"
    return render(request, template, context, status=status)
