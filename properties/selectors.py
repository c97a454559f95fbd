"""Reads for properties, containers and agreements. Each takes the organization first."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from organizations.models import Organization
from properties.models import Agreement, Container, Property

PAGE_SIZE = 50
AUTOCOMPLETE_LIMIT = 20
# Deeper than any real estate > building > unit chain; guards walks over corrupt data.
MAX_DEPTH = 20


def _count(queryset: QuerySet, field: str) -> Coalesce:
    """How many rows of `queryset` point at the outer property through `field`.

    A correlated subquery rather than a JOIN + GROUP BY: the database sorts and cuts the page by
    the address index first and counts only for the rows it returns.
    """
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def paginate(queryset: QuerySet, page_number: str | int | None, per_page: int = PAGE_SIZE) -> Page:
    """One page of `queryset` (a count and a slice: two queries); bad page numbers are clamped."""
    return Paginator(queryset, per_page).get_page(page_number)


# --- Properties ---------------------------------------------------------------------------


def _property_filter(q: str) -> Q:
    """Every word of `q` must match the address, number, name, postcode, city or area."""
    condition = Q()
    for term in q.split():
        condition &= (
            Q(address__icontains=term)
            | Q(property_number__icontains=term)
            | Q(name__icontains=term)
            | Q(postcode__startswith=term)
            | Q(city__icontains=term)
            | Q(area__icontains=term)
        )
    return condition


def property_search(org: Organization, q: str = "") -> QuerySet[Property]:
    """Properties of `org` matching `q` (all of them for an empty `q`), with their parent."""
    queryset = Property.objects.filter(organization=org).select_related("parent")
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(_property_filter(q))
    return queryset.order_by("address", "id")


def property_page(org: Organization, q: str = "", page: str | int | None = 1) -> Page:
    queryset = property_search(org, q).annotate(
        children_count=_count(Property.objects.all(), "parent"),
        container_count=_count(Container.objects.all(), "property"),
    )
    return paginate(queryset, page)


def property_label(prop: Property) -> str:
    parts = [prop.full_address]
    if prop.name and prop.name != prop.address:
        parts.insert(0, prop.name)
    return " – ".join(parts)


def property_autocomplete(org: Organization, q: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[dict]:
    q = (q or "").strip()
    if not q:
        return []
    rows = property_search(org, q)[:limit]
    return [
        {"id": row.pk, "label": property_label(row), "property_number": row.property_number}
        for row in rows
    ]


def property_options(org: Organization, q: str = "", limit: int = AUTOCOMPLETE_LIMIT):
    """Properties for a picker: the first `limit` matches of `q`."""
    return list(property_search(org, q)[:limit])


def property_ancestors(prop: Property) -> list[Property]:
    """The chain above `prop`, outermost first (estate > building), in one query for 3 levels."""
    chain: list[Property] = []
    node = prop
    for _depth in range(MAX_DEPTH):
        if node.parent_id is None:
            break
        # Each fetch brings three levels, so a usual estate > building > unit costs one query.
        node = (
            Property.objects.filter(organization_id=prop.organization_id, pk=node.parent_id)
            .select_related("parent__parent")
            .first()
        )
        if node is None:
            break
        chain.append(node)
        while node.parent_id is not None and "parent" in node._state.fields_cache:
            node = node.parent
            chain.append(node)
    chain.reverse()
    return chain


def property_children(org: Organization, prop: Property) -> QuerySet[Property]:
    return (
        Property.objects.filter(organization=org, parent=prop)
        .annotate(children_count=_count(Property.objects.all(), "parent"))
        .order_by("address", "name", "id")
    )


def agreements_for_property(org: Organization, prop: Property) -> QuerySet[Agreement]:
    return (
        Agreement.objects.filter(organization=org, property=prop)
        .select_related("customer")
        .order_by("-period_start", "-id")
    )


# --- Containers ---------------------------------------------------------------------------


def containers_for_property(org: Organization, prop: Property) -> QuerySet[Container]:
    return Container.objects.filter(organization=org, property=prop).order_by("container_id")


def container_search(
    org: Organization, q: str = "", *, property_id: int | None = None
) -> QuerySet[Container]:
    """Containers of `org` whose ID, fraction, type, placement or property address match `q`."""
    queryset = Container.objects.filter(organization=org).select_related("property")
    if property_id is not None:
        queryset = queryset.filter(property_id=property_id)
    for term in (q or "").split():
        queryset = queryset.filter(
            Q(container_id__icontains=term)
            | Q(fraction__icontains=term)
            | Q(container_type__icontains=term)
            | Q(placement_address__icontains=term)
            | Q(property__address__icontains=term)
            | Q(property__property_number__icontains=term)
        )
    return queryset.order_by("container_id", "id")


def container_page(org: Organization, q: str = "", page: str | int | None = 1) -> Page:
    return paginate(container_search(org, q), page)


def container_autocomplete(
    org: Organization, *, q: str = "", property_id: int | None = None, limit: int = 50
) -> list[dict]:
    """A property's containers, or containers matching `q`; nothing when given neither."""
    q = (q or "").strip()
    if property_id is None and not q:
        return []
    rows = container_search(org, q, property_id=property_id).values(
        "id", "container_id", "fraction", "container_type"
    )[:limit]
    return list(rows)
