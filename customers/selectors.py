"""Reads for customers, suppliers and contact roles. Each takes the organization first."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.utils import timezone

from customers.models import ContactRole, Customer, Supplier
from organizations.models import Membership, Organization, User

PAGE_SIZE = 50
AUTOCOMPLETE_LIMIT = 20


def paginate(queryset: QuerySet, page_number: str | int | None, per_page: int = PAGE_SIZE) -> Page:
    """One page of `queryset` (a count and a slice: two queries); bad page numbers are clamped."""
    return Paginator(queryset, per_page).get_page(page_number)


def _compact(value: str) -> str:
    return "".join(value.split())


def _customer_filter(q: str) -> Q:
    """Every word of `q` must match one of name, e-mail, phone, address, city or org number.

    Phone numbers and organization numbers are compared with spaces removed on both sides, so
    "912 34 567" finds "+47 91234567".
    """
    condition = Q()
    for term in q.split():
        condition &= (
            Q(name__icontains=term)
            | Q(email__icontains=term)
            | Q(address__icontains=term)
            | Q(postcode__startswith=term)
            | Q(city__icontains=term)
            | Q(contact_person__icontains=term)
            | Q(phone_compact__contains=_compact(term))
            | Q(org_number_compact__contains=_compact(term))
        )
    return condition


def _with_compact_numbers(queryset: QuerySet[Customer]) -> QuerySet[Customer]:
    return queryset.annotate(
        phone_compact=Replace("phone", Value(" "), Value("")),
        org_number_compact=Replace("org_number", Value(" "), Value("")),
    )


def customer_search(org: Organization, q: str = "") -> QuerySet[Customer]:
    """Customers of `org` matching `q` (all of them for an empty `q`), by name."""
    queryset = Customer.objects.filter(organization=org)
    q = (q or "").strip()
    if q:
        queryset = _with_compact_numbers(queryset).filter(_customer_filter(q))
    return queryset.order_by("name", "id")


def customer_page(org: Organization, q: str = "", page: str | int | None = 1) -> Page:
    return paginate(customer_search(org, q), page)


def customer_autocomplete(org: Organization, q: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[dict]:
    q = (q or "").strip()
    if not q:
        return []
    rows = customer_search(org, q).values(
        "id", "name", "email", "phone", "address", "postcode", "city"
    )[:limit]
    return [
        {
            "id": row["id"],
            "name": row["name"],
            "email": row["email"],
            "phone": row["phone"],
            "address": ", ".join(
                part
                for part in (
                    row["address"],
                    " ".join(p for p in (row["postcode"], row["city"]) if p),
                )
                if part
            ),
        }
        for row in rows
    ]


def customer_label(customer: Customer) -> str:
    """Name plus what tells namesakes apart: e-mail, else address."""
    extra = customer.email or customer.address
    return f"{customer.name} – {extra}" if extra else customer.name


def customer_options(org: Organization, q: str = "", limit: int = AUTOCOMPLETE_LIMIT):
    """Customers for a picker: the first `limit` matches of `q`."""
    return list(customer_search(org, q)[:limit])


def contact_roles_query(org: Organization) -> QuerySet[ContactRole]:
    return ContactRole.objects.filter(organization=org).select_related("customer", "property")


def contact_roles_for_customer(org: Organization, customer: Customer) -> list[ContactRole]:
    """The customer's roles, current ones first, each with its property."""
    roles = contact_roles_query(org).filter(customer=customer)
    return _current_first(roles.order_by("property__address", "role"))


def contact_roles_for_property(org: Organization, property) -> list[ContactRole]:
    """The property's contacts, current ones first, each with its customer."""
    roles = contact_roles_query(org).filter(property=property)
    return _current_first(roles.order_by("role", "customer__name"))


def _current_first(roles: QuerySet[ContactRole]) -> list[ContactRole]:
    """Mark each role `is_current`; one that ends today counts as ended (unlinking does that)."""
    today = timezone.localdate()
    rows = list(roles)
    for row in rows:
        row.is_current = not row.end_date or row.end_date > today
    return sorted(rows, key=lambda row: not row.is_current)


def customer_agreements(org: Organization, customer: Customer):
    return (
        customer.agreements.filter(organization=org)
        .select_related("property")
        .order_by("-period_start", "-id")
    )


# --- Suppliers ----------------------------------------------------------------------------


def supplier_search(
    org: Organization, q: str = "", *, include_inactive: bool = True
) -> QuerySet[Supplier]:
    queryset = Supplier.objects.filter(organization=org)
    if not include_inactive:
        queryset = queryset.filter(is_active=True)
    for term in (q or "").split():
        queryset = queryset.filter(
            Q(name__icontains=term)
            | Q(email__icontains=term)
            | Q(trade__icontains=term)
            | Q(phone__icontains=term)
            | Q(org_number__icontains=term)
        )
    users = User.objects.order_by("full_name", "email")
    return queryset.prefetch_related(Prefetch("users", queryset=users)).order_by(
        "-is_active", "name", "id"
    )


def supplier_page(org: Organization, q: str = "", page: str | int | None = 1) -> Page:
    return paginate(supplier_search(org, q), page)


def supplier_user_choices(org: Organization) -> QuerySet[User]:
    """Active members with the supplier role: who may be linked to a supplier."""
    return User.objects.filter(
        memberships__organization=org,
        memberships__role=Membership.Role.SUPPLIER,
        memberships__is_active=True,
        is_active=True,
    ).order_by("full_name", "email")
