"""The search without PostgreSQL (SQLite, `make run`): every word contained (`icontains`),
newest first, no stemming or ranking. Same results shape as search/selectors.py."""

from __future__ import annotations

from functools import reduce
from operator import and_, or_
from typing import TYPE_CHECKING

from django.db.models import Q

from cases.models import Case
from customers.models import Customer
from inquiries.models import Inquiry
from properties.models import Container, Property

if TYPE_CHECKING:
    from cases.selectors.fulltext import SearchText
    from organizations.models import Organization
    from search.selectors import Group


def _every_word(text: SearchText, fields: list[str]) -> Q:
    return reduce(
        and_,
        (reduce(or_, (Q(**{f"{f}__icontains": w}) for f in fields)) for w in text.words),
    )


def _group(kind: str, queryset, values: list[str], limit: int) -> Group:
    from search.selectors import Group

    rows = list(queryset.values(*values)[: limit + 1])
    total = len(rows) if len(rows) <= limit else queryset.count()
    return Group(kind, rows[:limit], total)


def cases(org: Organization, text: SearchText, *, limit: int, open_only: bool) -> Group:
    cond = _every_word(text, ["title", "description"])
    if text.case_number:
        cond |= Q(number=text.case_number)
    qs = Case.objects.filter(organization=org).filter(cond)
    if open_only:
        qs = qs.filter(status__in=Case.OPEN_STATUSES)
    qs = qs.order_by("-created_at", "-id")
    values = [
        "id",
        "number",
        "title",
        "status",
        "created_at",
        "customer__name",
        "property__address",
    ]
    group = _group("cases", qs, values, limit)
    for row in group.rows:
        row["customer"] = row.pop("customer__name")
        row["property"] = row.pop("property__address")
    return group


def inquiries(org: Organization, text: SearchText, *, limit: int) -> Group:
    fields = ["subject", "message", "sender_name", "sender_email", "sender_phone"]
    qs = (
        Inquiry.objects.filter(organization=org)
        .exclude(status=Inquiry.Status.DELETED)
        .filter(_every_word(text, fields))
        .order_by("-created_at", "-id")
    )
    values = ["id", "subject", "sender_name", "sender_email", "status", "created_at"]
    return _group("inquiries", qs, values, limit)


def customers(org: Organization, text: SearchText, *, limit: int) -> Group:
    qs = Customer.objects.filter(organization=org).filter(
        _every_word(text, ["name", "email", "phone"])
    )
    return _group(
        "customers", qs.order_by("name", "id"), ["id", "name", "email", "phone", "address"], limit
    )


def properties(org: Organization, text: SearchText, *, limit: int) -> Group:
    qs = Property.objects.filter(organization=org).filter(
        _every_word(text, ["address", "name", "property_number"])
    )
    values = ["id", "name", "address", "postcode", "city", "property_number"]
    return _group("properties", qs.order_by("address", "id"), values, limit)


def containers(org: Organization, text: SearchText, *, limit: int) -> Group:
    qs = Container.objects.filter(organization=org).filter(_every_word(text, ["container_id"]))
    values = ["id", "container_id", "fraction", "placement_address"]
    return _group("containers", qs.order_by("container_id", "id"), values, limit)


def exact_target(org: Organization, text: SearchText) -> tuple[str, int] | None:
    found: list[tuple[str, int]] = []
    if text.case_number:
        found += [
            ("case", n)
            for n in Case.objects.filter(organization=org, number=text.case_number).values_list(
                "number", flat=True
            )
        ]
    found += [
        ("container", pk)
        for pk in Container.objects.filter(
            organization=org, container_id__iexact=text.text.strip()
        ).values_list("pk", flat=True)
    ]
    return found[0] if len(found) == 1 else None
