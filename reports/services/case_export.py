"""The case list as a table: the same filter as the page, every matching row, in batches.

"Exactly the page's rows": the export reads the page's query string through the case list's own
filter form (`CaseFilterForm`) and selector (`case_list_filtered`), and walks the result with the
page's keyset ordering (`case_rows`, `keyset_window`), `BATCH` rows a query. No OFFSET, no
server-side cursor, no transaction held open while the file is written: each batch is a short
indexed query, so a 100,000-row export keeps memory flat whether it streams to a browser or into
a file.

Each row is a plain tuple (`values_list`), and what would cost Python time per row is done by
PostgreSQL in the same query: datetimes come back already in the user's time zone, naive and to
the minute (`AT TIME ZONE`: Django's loader of aware timestamps is pure Python, the naive one is
psycopg's C), and the service-level state is a CASE mirroring `sla_state`. Labels are looked up
in dictionaries made once per export.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, DateTimeField, F, Func, Q, TextField, Value, When
from django.db.models import Case as CaseWhen
from django.http import Http404, QueryDict
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cases.forms_lists import CaseFilterForm, ListChoices
from cases.models import Case, Category
from cases.selectors.keyset import encode_cursor, keyset_window
from cases.selectors.lists import DEFAULT_SORT, SORT_KEYS, case_list_filtered, case_rows, parse_sort
from cases.selectors.service_levels import STATE_LABELS
from cases.services.service_levels import SlaState
from customers.models import Customer
from organizations.models import Organization, User
from organizations.scoping import get_for_org_or_404
from organizations.tenancy import organization_scope
from properties.models import Property

BATCH = 5000
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


# Column widths of the XLSX, in characters, in export_header's order.
EXPORT_WIDTHS = (8, 40, 14, 12, 18, 28, 28, 9, 16, 24, 14, 17, 11, 17)


class LocalMinute(Func):
    """A timestamptz as the naive local time in `zone` (an IANA name), to the minute."""

    output_field = DateTimeField()

    def __init__(self, expression, zone: str):
        super().__init__(expression)
        self.zone = zone

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date_trunc('minute', {sql} AT TIME ZONE %s)", (*params, self.zone)


class NaiveUtc(Func):
    """A timestamptz as naive UTC, every microsecond kept (the keyset cursor's value)."""

    template = "(%(expressions)s AT TIME ZONE 'UTC')"
    output_field = DateTimeField()


class AnyOf(Func):
    """`expression = ANY(ids)`: one array parameter however many ids (an IN list costs Django
    and PostgreSQL a placeholder each, several times the lookup itself), written as the array's
    text (psycopg's list adapter costs as much per item)."""

    output_field = BooleanField()

    def __init__(self, expression, ids: Iterable[int]):
        super().__init__(expression)
        self.ids = "{" + ",".join(map(str, map(int, ids))) + "}"

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} = ANY(%s::bigint[])", (*params, self.ids)


def sla_state_sql(now: dt.datetime) -> CaseWhen:
    """`sla_state` of each row at `now`, computed by PostgreSQL (NULL for no state)."""
    return CaseWhen(
        When(status=Case.Status.WAITING, sla_paused_at__isnull=False, then=Value(SlaState.PAUSED)),
        When(Q(status=Case.Status.WAITING) | Q(sla_next_due__isnull=True), then=Value(None)),
        When(sla_next_due__lte=now, then=Value(SlaState.BREACHED)),
        When(sla_next_risk__lte=now, then=Value(SlaState.AT_RISK)),
        default=Value(SlaState.ON_TRACK),
        output_field=TextField(),
    )


def _by_id(model, ids: set, *fields: str) -> dict[int, object]:
    """The rows of `model` whose id is in `ids` (read in the active scope), by id: the value
    of the one field, else the tuple (id, *fields)."""
    ids.discard(None)
    if not ids:
        return {}
    rows = model.objects.filter(AnyOf(F("pk"), ids)).order_by().values_list("pk", *fields)
    return dict(rows) if len(fields) == 1 else {row[0]: row for row in rows}


def export_rows(query: CaseListQuery) -> Iterator[list[object]]:
    """Every row of the list in the page's order, as typed cells (ints, dates, naive local
    datetimes, text) for organizations.tabular; labels in the active language and times in
    the active time zone (call it under the user's).

    Each batch is one query on the cases alone (the page's columns and sort key; PostgreSQL
    drops case_rows' joins whose columns are not selected) and one per customers and
    properties for that batch's ids: PostgreSQL joining them row by row cost twice as
    much, and for large batches it chose to hash whole tables. Assignees and categories, few,
    are kept for the whole export."""
    statuses = {value: str(label) for value, label in Case.Status.choices}
    priorities = {value: str(label) for value, label in Case.Priority.choices}
    sla_labels = {state: str(label) for state, label in STATE_LABELS.items()}
    running = {SlaState.ON_TRACK, SlaState.AT_RISK, SlaState.BREACHED}  # a due time to show
    zone = timezone.get_current_timezone_name()
    name, descending = parse_sort(query.sort)
    key = SORT_KEYS[name]
    cases = (
        case_rows(query.queryset, name)
        .annotate(
            export_sort=NaiveUtc(F(key.attr)) if key.kind == "datetime" else F(key.attr),
            export_sla=sla_state_sql(timezone.now()),
            export_due=LocalMinute(F("sla_next_due"), zone),
            export_created=LocalMinute(F("created_at"), zone),
        )
        .values_list(
            "id",
            "export_sort",
            "number",
            "title",
            "status",
            "priority",
            "category_id",
            "customer_id",
            "property_id",
            "assignee_id",
            "export_sla",
            "export_due",
            "deadline",
            "export_created",
        )
    )
    categories: dict[int, object] = {}
    assignees: dict[int, object] = {}
    no_property, nobody = (None, "", "", ""), (None, "", "")
    after = None
    while True:
        window = keyset_window(key, descending=descending, after=after, size=BATCH)
        batch = list(cases.filter(window.condition).order_by(*window.ordering)[: BATCH + 1])
        rows = batch[:BATCH]
        customers = _by_id(Customer, {row[7] for row in rows}, "name")
        properties = _by_id(Property, {row[8] for row in rows}, "address", "postcode", "city")
        categories.update(_by_id(Category, {row[6] for row in rows} - categories.keys(), "name"))
        assignees.update(
            _by_id(User, {row[9] for row in rows} - assignees.keys(), "full_name", "email")
        )
        for (
            _id,
            _sort,
            number,
            title,
            status,
            priority,
            category_id,
            customer_id,
            property_id,
            assignee_id,
            state,
            due,
            deadline,
            created,
        ) in rows:
            _, address, postcode, city = properties.get(property_id, no_property)
            _, full_name, email = assignees.get(assignee_id, nobody)
            yield [
                number,
                title,
                statuses.get(status, status),
                priorities.get(priority, priority),
                categories.get(category_id) or "",
                customers.get(customer_id) or "",
                address or "",
                postcode or "",
                city or "",
                full_name or email or "",
                sla_labels.get(state, ""),
                due if state in running else None,
                deadline,
                created,
            ]
        if len(batch) <= BATCH:
            return
        last_id, last_value = rows[-1][0], rows[-1][1]
        if key.kind == "datetime" and last_value is not None:
            last_value = last_value.replace(tzinfo=dt.UTC)
        after = encode_cursor(last_value, last_id)


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
