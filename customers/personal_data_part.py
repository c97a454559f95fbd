"""The customers app's part of the privacy export and erasure, and the helpers the other apps'
parts share: which strings identify a person, and how to remove them from text and JSON.

Erasure removes what is only the person's (their messages, files, contact details) and, in what
the organization keeps (case descriptions, staff notes, replies), replaces the strings that
identify them — full name, e-mail address, phone number, street address, organization number,
contact person — with a marker. A first name alone is not replaced: it would also hit other
people's names; nor is an address that is one of the organization's properties (the building's
address is in every neighbour's cases, and is the organization's record, not the person's).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import ContactRole, Customer
from customers.personal_data import Part
from customers.services import CUSTOMER_FIELDS
from properties.models import Property

# Shorter strings are not searched for: "Bo" or "12" would hit unrelated text.
MIN_NEEDLE_LENGTH = 4

CUSTOMER_EXPORT_FIELDS = ("id", *CUSTOMER_FIELDS, "created_at", "updated_at")
# Everything personal on the row; the name is replaced, the type and kind say nothing of them.
SCRUBBED_FIELDS = tuple(f for f in CUSTOMER_FIELDS if f not in ("customer_type", "kind", "name"))


def compact(value: str) -> str:
    return "".join((value or "").split())


def _own_address(customer: Customer) -> str:
    """The customer's street address, unless it is one of the organization's properties: a
    building's address names every resident's cases, and is the organization's, not theirs."""
    address = (customer.address or "").strip()
    shared = Property.objects.filter(
        organization_id=customer.organization_id, address__iexact=address
    )
    return "" if not address or shared.exists() else address


def identifiers(customer: Customer, extra: Iterable[str] = ()) -> list[str]:
    """The strings that identify `customer` in free text, longest first (so "Kari Nordmann"
    is replaced before a shorter string inside it)."""
    values = [
        customer.name,
        customer.email,
        customer.phone,
        compact(customer.phone),
        _own_address(customer),
        customer.org_number,
        compact(customer.org_number),
        customer.contact_person,
        *extra,
    ]
    found: dict[str, str] = {}
    for value in values:
        value = (value or "").strip()
        if len(value) >= MIN_NEEDLE_LENGTH:
            found.setdefault(value.casefold(), value)
    return sorted(found.values(), key=len, reverse=True)


def phones(customer: Customer) -> list[str]:
    """The customer's phone as stored and without spaces (outbox rows keep either)."""
    return [p for p in {customer.phone.strip(), compact(customer.phone)} if p]


def marker() -> str:
    return _("[removed]")


def redact(text: str, needles: Iterable[str]) -> str:
    """`text` with every needle (case-insensitive) replaced by the marker."""
    if not text:
        return text
    for needle in needles:
        text = re.sub(re.escape(needle), marker(), text, flags=re.IGNORECASE)
    return text


def redact_json(value: Any, needles: Iterable[str]) -> Any:
    """A copy of a JSON value with the needles removed from every string (keys included)."""
    needles = list(needles)
    if isinstance(value, str):
        return redact(value, needles)
    if isinstance(value, list):
        return [redact_json(item, needles) for item in value]
    if isinstance(value, dict):
        return {redact(str(k), needles): redact_json(v, needles) for k, v in value.items()}
    return value


def contains_any(fields: Iterable[str], needles: Iterable[str]) -> Q:
    """Rows where any of `fields` contains any needle (case-insensitive); matches nothing when
    there are no needles."""
    condition = Q(pk__in=[])
    for field in fields:
        for needle in needles:
            condition |= Q(**{f"{field}__icontains": needle})
    return condition


def redact_rows(queryset, fields: Iterable[str], needles: list[str], json_fields=()) -> int:
    """Redact `fields` (text) and `json_fields` of the rows of `queryset` that contain a needle.
    `queryset` must already be limited to one organization. Returns how many rows changed."""
    fields, json_fields = list(fields), list(json_fields)
    if not needles:
        return 0
    annotations = {f"_{f}_text": Cast(f, TextField()) for f in json_fields}
    search = [*fields, *(f"_{f}_text" for f in json_fields)]
    limits = {f: queryset.model._meta.get_field(f).max_length for f in fields}
    changed = 0
    rows = queryset.annotate(**annotations).filter(contains_any(search, needles))
    for row in rows.iterator(chunk_size=500):
        for field in fields:
            value = redact(getattr(row, field), needles)
            # The marker may be longer than what it replaces: stay within the column.
            setattr(row, field, value[: limits[field]] if limits[field] else value)
        for field in json_fields:
            setattr(row, field, redact_json(getattr(row, field), needles))
        row.save(update_fields=[*fields, *json_fields])
        changed += 1
    return changed


# --- The customers part ------------------------------------------------------------------------


def _export(org, customer: Customer) -> dict:
    roles = (
        ContactRole.objects.filter(organization=org, customer=customer)
        .select_related("property")
        .order_by("pk")
    )
    agreements = customer.agreements.filter(organization=org).select_related("property")
    return {
        "customer": {field: getattr(customer, field) for field in CUSTOMER_EXPORT_FIELDS},
        "contact_roles": [
            {
                "property": str(role.property),
                "role": role.role,
                "from": role.start_date,
                "to": role.end_date,
            }
            for role in roles
        ],
        "agreements": [
            {
                "property": str(agreement.property),
                "period_start": agreement.period_start,
                "period_end": agreement.period_end,
                "price": agreement.price,
                "currency": agreement.currency,
                "description": agreement.description,
            }
            for agreement in agreements.order_by("pk")
        ],
    }


def anonymised_name(customer: Customer) -> str:
    return _("Anonymised customer #%(id)s") % {"id": customer.pk}


def _erase(org, customer: Customer, actor) -> None:
    """Contact roles go (where the person lives is theirs); agreements stay with the
    organization, identifiers removed from their description; the row is scrubbed last (the
    privacy app runs this part after every other, which still need the identifiers)."""
    needles = identifiers(customer)
    ContactRole.objects.filter(organization=org, customer=customer).delete()
    redact_rows(customer.agreements.filter(organization=org), ["description"], needles)
    customer.name = anonymised_name(customer)
    for field in SCRUBBED_FIELDS:
        setattr(customer, field, "")
    customer.anonymised_at = timezone.now()
    customer.save(update_fields=["name", *SCRUBBED_FIELDS, "anonymised_at", "updated_at"])


PART = Part(name="customers", export=_export, erase=_erase)
