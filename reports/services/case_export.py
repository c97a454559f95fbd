"""The case list as a table: the same filter as the page, every matching row, in batches.

"Exactly the page's rows": the export reads the page's query string through the case list's own
filter form (`CaseFilterForm`) and selector (`case_list_filtered`), and walks the result with the
page's keyset ordering (`case_page`), `BATCH` rows a query. No OFFSET, no server-side cursor, no
transaction held open while the file is written: each batch is a short indexed query, so a
100,000-row export keeps memory flat whether it streams to a browser or into a file.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cases.forms_lists import CaseFilterForm, ListChoices
from cases.models import Case
from cases.selectors.lists import DEFAULT_SORT, case_list_filtered, case_page, parse_sort
from cases.selectors.service_levels import STATE_LABELS
from cases.services.service_levels import SlaState, sla_state
from customers.models import Customer
from organizations.models import Organization
from organizations.scoping import get_for_org_or_404
from organizations.tenancy import organization_scope
from properties.models import Property

BATCH = 2000
# Query-string keys that select rows (filters) or order them (sort); paging keys are not kept.
LIST_KEYS = tuple(CaseFilterForm.base_fields)


@dataclass
class CaseListQuery:
    """The case list for one query string: its queryset (unpaged) and its sort."""

    queryset: Any
    sort: str


def case_list_query(
    org: Organization, params: QueryDict, choices: ListChoices | None = None
) -> CaseListQuery:
    """The case list page's filter for `params`, as the page applies it (render_case_list):
    invalid fields are left out, a customer or property of another organization is a 404.
    `choices` can be shared by several calls (each list is then read once)."""
    form = CaseFilterForm(params, choices=choices or ListChoices(org))
    form.is_valid()
    filters = form.active_filters()
    if filters.get("customer"):
        filters["customer"] = get_for_org_or_404(Customer, org, pk=filters["customer"])
    if filters.get("property"):
        filters["property"] = get_for_org_or_404(Property, org, pk=filters["property"])
    name, descending = parse_sort(params.get("sort"))
    return CaseListQuery(
        queryset=case_list_filtered(org, filters), sort=f"-{name}" if descending else name
    )


def case_list_query_or_none(
    org: Organization, params: QueryDict, choices: ListChoices | None = None
) -> CaseListQuery | None:
    """As case_list_query, None when the query names a customer or property that is gone."""
    try:
        return case_list_query(org, params, choices)
    except Http404:
        return None


def check_query_objects(org: Organization, params: QueryDict) -> None:
    """Refuse a query naming another organization's customer or property (or one that is gone)."""
    for key, model in (("customer", Customer), ("property", Property)):
        value = (params.get(key) or "").strip()
        if not value:
            continue
        if not value.isdigit() or not model.objects.filter(organization=org, pk=value).exists():
            raise ValidationError(_("That belongs to another organization."))


def export_header() -> list[str]:
    return [
        _("No."),
        _("Title"),
        _("Status"),
        _("Priority"),
        _("Category"),
        _("Customer"),
        _("Property"),
        _("Postcode"),
        _("City"),
        _("Assignee"),
        _("Service level"),
        _("Service level due"),
        _("Deadline"),
        _("Created"),
    ]


def export_rows(query: CaseListQuery) -> Iterator[list[object]]:
    """Every row of the list in the page's order, as typed cells (ints, dates, datetimes, text)
    for organizations.tabular; labels in the active language (call it under the user's)."""
    statuses = {value: str(label) for value, label in Case.Status.choices}
    priorities = {value: str(label) for value, label in Case.Priority.choices}
    sla_labels = {state: str(label) for state, label in STATE_LABELS.items()}
    now = timezone.now()
    after = None
    while True:
        page = case_page(query.queryset, sort=query.sort, after=after, size=BATCH)
        for case in page.rows:
            state = sla_state(
                status=case.status,
                next_due=case.sla_next_due,
                next_risk=case.sla_next_risk,
                paused_at=case.sla_paused_at,
                now=now,
            )
            due = case.sla_next_due if state and state != SlaState.PAUSED else None
            yield [
                case.number,
                case.title,
                statuses.get(case.status, case.status),
                priorities.get(case.priority, case.priority),
                case.category_name or "",
                case.customer_name or "",
                case.property_address or "",
                case.property_postcode or "",
                case.property_city or "",
                case.assignee_full_name or case.assignee_email or "",
                sla_labels.get(state, "") if state else "",
                due,
                case.deadline,
                case.created_at,
            ]
        if not page.has_next:
            return
        after = page.next_cursor


def export_filename(org: Organization) -> str:
    """`cases-<org>-<local date and time>` (no extension)."""
    return f"{slugify(_('cases'))}-{org.slug}-{timezone.localtime():%Y%m%d-%H%M}"


def normalized_query(params: QueryDict) -> str:
    """The case list's filter and sort in `params` as a stable query string: known keys only
    (no paging cursors), no empty values, keys sorted, the sort's default left out."""
    query = QueryDict(mutable=True)
    for key in sorted(LIST_KEYS):
        values = [v.strip() for v in params.getlist(key) if v and v.strip()]
        if key == "sort" and values and values[-1] == DEFAULT_SORT:
            continue
        if values:
            query.setlist(key, values[-1:])  # the form reads the last value
    return query.urlencode()


@contextmanager
def user_locale(language: str, time_zone: str) -> Iterator[None]:
    """Render in `language` and `time_zone` (as captured from the user) when given."""
    with ExitStack() as stack:
        if language:
            stack.enter_context(translation.override(language))
        if time_zone:
            stack.enter_context(timezone.override(zoneinfo.ZoneInfo(time_zone)))
        yield


def scoped_export_rows(
    organization_id: int, query: CaseListQuery, *, language: str, time_zone: str
) -> Iterator[list[object]]:
    """export_rows for a streamed response: the response is sent after the view returned, when
    the request's organization scope, language and time zone are over, so it restores them."""
    with organization_scope(organization_id), user_locale(language, time_zone):
        yield from export_rows(query)
