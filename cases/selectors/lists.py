"""Reads behind the inbox, the case list and the supplier work page.

Every list costs a fixed number of queries: the rows come with their customer, property and
assignee joined in. The inbox's own query is in cases/selectors/inbox.py.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

from django.db.models import Case as CaseWhen
from django.db.models import F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from cases.models import Case, Category, Tag
from cases.selectors.keyset import KeysetPage, SortKey, keyset_page
from cases.selectors.service_levels import sla_state_q
from customers.models import Customer, Supplier
from organizations.compiled import compiled_list
from organizations.directory import directory_list
from organizations.models import Organization, Team
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
    # Service level: the earliest due time of the case's running clocks (none last).
    "due": SortKey("sla_next_due", "datetime", nullable=True),
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


ROW_FIELDS = (
    "id",
    "number",
    "title",
    "status",
    "priority",
    "deadline",
    "created_at",
    # Service level: what the state marker needs (cases/services/service_levels.py sla_state).
    "sla_next_due",
    "sla_next_risk",
    "sla_paused_at",
    # The inbox's reasons (assigned to me, created by me, my team's while nobody has it).
    "assignee_id",
    "created_by_id",
)
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
    if digits.isascii() and digits.isdigit() and len(digits) <= 9:  # not "²": int() refuses it
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
    if filters.get("sla"):
        qs = qs.filter(sla_state_q(filters["sla"], timezone.now()))
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


# The pickers' lists: read on every list page, so they are cached per organization
# (organizations/directory.py) and their SQL is compiled once (organizations/compiled.py).
def tag_list(org: Organization) -> list[Tag]:
    return directory_list(org, "tags", lambda o: compiled_list("tag_list", _by_name(Tag), o.pk))


def team_choices(org: Organization) -> list[Team]:
    return directory_list(
        org, "teams", lambda o: compiled_list("team_choices", _by_name(Team), o.pk)
    )


def category_choices(org: Organization) -> list[Category]:
    return directory_list(
        org, "categories", lambda o: compiled_list("category_choices", _categories, o.pk)
    )


def _by_name(model):
    def build(org_id: int):
        return model.objects.filter(organization_id=org_id).order_by("name")

    return build


def _categories(org_id: int):
    return Category.objects.filter(organization_id=org_id).order_by("position", "name")


def supplier_choices(org: Organization) -> list[Supplier]:
    """Active and inactive: the case list filters by both; pickers that give work take only
    the active ones (`is_active`)."""
    return directory_list(
        org, "suppliers", lambda o: compiled_list("supplier_choices", _by_name(Supplier), o.pk)
    )
