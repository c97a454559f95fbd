"""Reads behind the inbox, the case list and the supplier work page.

Every list costs a fixed number of queries: the rows come with their customer, property and
assignee joined in, and the inbox tab counts are one aggregate. The inbox is a UNION of small
indexed id sets (assigned to me, created by me, mentioned, my open tasks, my teams' unassigned
cases) rather than one OR across joins, so PostgreSQL answers it from indexes at 100k cases.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.db.models import Case as CaseWhen
from django.db.models import F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from cases.models import Case, Tag, Task
from cases.selectors.keyset import KeysetPage, SortKey, keyset_page, keyset_window
from customers.models import Customer, Supplier
from organizations.models import Organization, Team, User
from properties.models import Property

OPEN = list(Case.OPEN_STATUSES)
PAGE_SIZE = 50

STATUS_ORDER = [s.value for s in Case.Status]  # new → closed, the order work moves in
PRIORITY_ORDER = [p.value for p in Case.Priority]  # low → critical

SORT_KEYS: dict[str, SortKey] = {
    "number": SortKey("number", "int", default_descending=True),
    "created": SortKey("created_at", "datetime", default_descending=True),
    "deadline": SortKey("deadline", "date", nullable=True),
    "priority": SortKey("priority_rank", "int", default_descending=True),
    "status": SortKey("status_rank", "int"),
}
DEFAULT_SORT = "-created"


def _rank(field: str, values: list[str]) -> CaseWhen:
    return CaseWhen(
        *[When(**{field: v}, then=Value(i)) for i, v in enumerate(values)],
        default=Value(len(values)),
        output_field=IntegerField(),
    )


def parse_sort(value: str | None) -> tuple[str, bool]:
    """("created", True) from "-created"; unknown values fall back to newest first."""
    value = value or DEFAULT_SORT
    name, descending = (value[1:], True) if value.startswith("-") else (value, False)
    if name not in SORT_KEYS:
        return parse_sort(DEFAULT_SORT)
    return name, descending


def _with_sort_key(queryset: QuerySet[Case], sort: str) -> QuerySet[Case]:
    """Add the computed column that `sort` orders by, if it needs one."""
    if sort == "priority":
        return queryset.annotate(priority_rank=_rank("priority", PRIORITY_ORDER))
    if sort == "status":
        return queryset.annotate(status_rank=_rank("status", STATUS_ORDER))
    return queryset


class CaseRow(SimpleNamespace):
    """One row of a case table: plain values read with `.values()`, no model instances.

    Building 50 Case objects with four joined models costs more than the query; the table
    only needs these columns (see ROW_FIELDS and ROW_JOINED).
    """

    @property
    def pk(self) -> int:
        return self.id


ROW_FIELDS = ("id", "number", "title", "status", "priority", "deadline", "created_at")
ROW_JOINED = {
    "customer_name": F("customer__name"),
    "property_address": F("property__address"),
    "property_postcode": F("property__postcode"),
    "property_city": F("property__city"),
    "assignee_full_name": F("assignee__full_name"),
    "assignee_email": F("assignee__email"),
    "category_name": F("category__name"),
}


def case_rows(queryset: QuerySet[Case], sort: str = "created") -> QuerySet:
    """The columns a case table shows (with the computed sort column), joined in one query."""
    rank = [SORT_KEYS[sort].attr] if sort in ("priority", "status") else []
    return _with_sort_key(queryset, sort).values(*ROW_FIELDS, *rank, **ROW_JOINED)


def case_page(
    queryset: QuerySet[Case],
    *,
    sort: str | None = None,
    after: str | None = None,
    before: str | None = None,
    size: int | None = None,
) -> KeysetPage:
    name, descending = parse_sort(sort)
    return keyset_page(
        case_rows(queryset, name),
        SORT_KEYS[name],
        descending=descending,
        after=after,
        before=before,
        size=size or PAGE_SIZE,
        row=lambda values: CaseRow(**values),
    )


# --- Inbox ------------------------------------------------------------------------------------

INBOX_TABS = ("unanswered", "resolved", "closed", "all")


def _inbox_parts(org: Organization, user: User) -> list[QuerySet[Case]]:
    """The inbox as a few sets of cases, each found through an index; their UNION is the inbox.

    One query with OR across these joins would make PostgreSQL read every case of the
    organization; as separate parts each reads only its own rows.
    """
    cases = Case.objects.filter(organization=org).order_by()
    return [
        cases.filter(assignee=user),
        cases.filter(created_by=user),
        cases.filter(notes__mentions=user),
        cases.filter(tasks__assignee=user, tasks__status=Task.Status.OPEN),
        cases.filter(assignee__isnull=True, teams__members=user),
    ]


def inbox_tab_filter(tab: str) -> Q:
    if tab == "unanswered":
        return Q(status__in=OPEN, first_response_at__isnull=True)
    if tab == "resolved":
        return Q(status=Case.Status.RESOLVED)
    if tab == "closed":
        return Q(status=Case.Status.CLOSED)
    return Q()


def inbox_page(
    org: Organization,
    user: User,
    tab: str = "all",
    *,
    sort: str | None = None,
    after: str | None = None,
    before: str | None = None,
    size: int | None = None,
) -> KeysetPage:
    """One page of `user`'s inbox tab, keyset-paginated like the case list. Two queries.

    Each part of the UNION is cut to the page (filter, cursor, order, limit) before the parts
    are merged, so the work is bounded by the page size times the number of parts plus what
    each part's index scan reads; the rows are then fetched with their joins by id.
    """
    name, descending = parse_sort(sort)
    key = SORT_KEYS[name]
    window = keyset_window(
        key, descending=descending, after=after, before=before, size=size or PAGE_SIZE
    )
    columns = ["id"] if key.attr == "id" else ["id", key.attr]
    parts = [
        _with_sort_key(part, name).filter(inbox_tab_filter(tab), window.condition).values(*columns)
        for part in _inbox_parts(org, user)
    ]
    if connection.features.supports_slicing_ordering_in_compound:  # PostgreSQL; not SQLite
        parts = [part.order_by(*window.ordering)[: window.size + 1] for part in parts]
    merged = parts[0].union(*parts[1:]).order_by(*window.ordering)[: window.size + 1]
    ids = [row["id"] for row in merged]
    found = {
        values["id"]: CaseRow(**values)
        for values in case_rows(Case.objects.filter(organization=org, pk__in=ids), name)
    }
    return window.page([found[pk] for pk in ids if pk in found])


def inbox_counts(org: Organization, user: User) -> dict[str, int]:
    """The number of cases behind each inbox tab, in one aggregate query.

    Django cannot aggregate over a UNION, so the ORM-built UNION (each part carrying the
    columns the tabs look at) is wrapped in a hand-written COUNT ... FILTER.
    """
    parts = [part.values("id", "status", "first_response_at") for part in _inbox_parts(org, user)]
    union_sql, union_params = parts[0].union(*parts[1:]).query.sql_with_params()
    open_marks = ", ".join(["%s"] * len(OPEN))
    sql = (
        "SELECT"
        f" COUNT(*) FILTER (WHERE status IN ({open_marks}) AND first_response_at IS NULL),"
        " COUNT(*) FILTER (WHERE status = %s),"
        " COUNT(*) FILTER (WHERE status = %s),"
        " COUNT(*)"
        f" FROM ({union_sql}) AS inbox"
    )
    params = [*OPEN, Case.Status.RESOLVED, Case.Status.CLOSED, *union_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        unanswered, resolved, closed, total = cursor.fetchone()
    return {"unanswered": unanswered, "resolved": resolved, "closed": closed, "all": total}


# --- Case list --------------------------------------------------------------------------------


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _search(org: Organization, text: str) -> Q:
    """Title, description, number, customer name or property address containing `text`."""
    cond = (
        Q(title__icontains=text)
        | Q(description__icontains=text)
        | Q(
            customer_id__in=Customer.objects.filter(organization=org, name__icontains=text)
            .order_by()
            .values("id")
        )
        | Q(
            property_id__in=Property.objects.filter(organization=org, address__icontains=text)
            .order_by()
            .values("id")
        )
    )
    digits = text.lstrip("#")
    if digits.isdigit() and len(digits) <= 9:
        cond |= Q(number=int(digits))
    return cond


def property_and_descendants(org: Organization, prop: Property) -> QuerySet:
    """Ids of `prop` and what sits under it (estate > building > unit), for `id__in`."""
    return (
        Property.objects.filter(organization=org)
        .filter(Q(pk=prop.pk) | Q(parent=prop) | Q(parent__parent=prop))
        .order_by()
        .values("id")
    )


def case_list_filtered(org: Organization, filters: dict[str, Any]) -> QuerySet[Case]:
    """Cases of `org` matching the case-list filters (a filter form's cleaned data).

    Objects in `filters` (category, team, ...) must already belong to `org`; the form
    guarantees it by choosing only among the organization's rows.
    """
    qs = Case.objects.filter(organization=org)
    status = filters.get("status")
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status:
        qs = qs.filter(status=status)
    for name in ("priority", "source", "category", "supplier", "customer"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    assignee = filters.get("assignee")
    if assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif assignee:
        qs = qs.filter(assignee=assignee)
    if filters.get("team"):
        qs = qs.filter(
            id__in=Case.teams.through.objects.filter(team=filters["team"]).values("case_id")
        )
    if filters.get("tag"):
        qs = qs.filter(
            id__in=Case.tags.through.objects.filter(tag=filters["tag"]).values("case_id")
        )
    if filters.get("property"):
        qs = qs.filter(property_id__in=property_and_descendants(org, filters["property"]))
    if filters.get("overdue"):
        qs = qs.filter(status__in=OPEN, deadline__lt=timezone.localdate())
    if filters.get("created_from"):
        qs = qs.filter(created_at__gte=_day_start(filters["created_from"]))
    if filters.get("created_to"):
        next_day = filters["created_to"] + datetime.timedelta(days=1)
        qs = qs.filter(created_at__lt=_day_start(next_day))
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(_search(org, text))
    return qs


# --- Choices for filter and bulk forms (each one query, evaluated once per request) ---------


def tag_list(org: Organization) -> list[Tag]:
    return list(Tag.objects.filter(organization=org).order_by("name"))


def team_choices(org: Organization) -> list[Team]:
    return list(Team.objects.filter(organization=org).order_by("name"))


def supplier_choices(org: Organization) -> list[Supplier]:
    return list(Supplier.objects.filter(organization=org, is_active=True).order_by("name"))
