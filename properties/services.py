"""Writes for properties, containers and agreements.

Every function validates first and raises `ValidationError` with a dict of field → message, so a
form can show each message next to its field. Each write records who did what, with old and new
values, in the organization's audit trail (organizations.audit, module "properties").
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from organizations.audit import audit_changes, audit_created, audit_record, model_snapshot
from organizations.models import Organization, User
from organizations.scoping import check_same_org
from properties.models import Agreement, Container, Property

PROPERTY_FIELDS = (
    "parent",
    "name",
    "property_number",
    "address",
    "postcode",
    "city",
    "property_type",
    "area",
)
CONTAINER_FIELDS = (
    "property",
    "container_id",
    "fraction",
    "container_type",
    "size_litres",
    "placement_address",
)
AGREEMENT_FIELDS = (
    "property",
    "customer",
    "period_start",
    "period_end",
    "price",
    "currency",
    "description",
)
# A chain deeper than this is certainly a data error; stops walks over corrupt data.
MAX_DEPTH = 20

CURRENCY_BY_LANGUAGE = {"nb": "NOK", "da": "DKK", "sv": "SEK"}
MODULE = "properties"  # in the audit trail


def default_currency(org: Organization) -> str:
    return CURRENCY_BY_LANGUAGE.get(org.default_language, "EUR")


def _clean_text(values: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.strip() if isinstance(value, str) else value for key, value in values.items()
    }


def _foreign(org: Organization, obj: Any) -> bool:
    return obj is not None and obj.organization_id != org.pk


def _apply(org, actor, obj: Any, fields: tuple[str, ...], values: dict[str, Any]) -> None:
    """Save the changed fields and record the change in the audit trail."""
    changed = [field for field in fields if getattr(obj, field) != values[field]]
    before = model_snapshot(obj, changed)
    for field in changed:
        setattr(obj, field, values[field])
    if changed:
        obj.save(update_fields=changed)
        diff = audit_changes(before, obj, changed)
        if diff:
            audit_record(
                org=org, actor=actor, module=MODULE, obj=obj, action="changed", changes=diff
            )


def _created(org, actor, obj: Any, fields: tuple[str, ...]) -> Any:
    audit_created(org=org, actor=actor, module=MODULE, obj=obj, fields=fields)
    return obj


def _merged(obj: Any, fields: tuple[str, ...], changes: dict[str, Any], name: str) -> dict:
    unknown = set(changes) - set(fields)
    if unknown:
        raise TypeError(f"{name} got unknown fields: {sorted(unknown)}")
    values = {field: getattr(obj, field) for field in fields}
    values.update(changes)
    return values


# --- Properties ---------------------------------------------------------------------------


def _creates_cycle(prop: Property, parent: Property) -> bool:
    """Whether hanging `prop` under `parent` would make `prop` its own ancestor."""
    node: Property | None = parent
    for _depth in range(MAX_DEPTH):
        if node is None:
            return False
        if node.pk == prop.pk:
            return True
        node = node.parent
    return True


def _validate_property(
    org: Organization, values: dict[str, Any], prop: Property | None
) -> dict[str, Any]:
    values = _clean_text(values)
    errors: dict[str, str] = {}
    if not values.get("address"):
        errors["address"] = _("Enter the address.")
    parent = values.get("parent")
    if _foreign(org, parent):
        errors["parent"] = _("That belongs to another organization.")
    elif parent is not None and prop is not None and prop.pk and _creates_cycle(prop, parent):
        errors["parent"] = _("A property cannot be placed under itself or one of its own parts.")
    number = values.get("property_number")
    if number:
        clash = Property.objects.filter(organization=org, property_number__iexact=number)
        if prop is not None:
            clash = clash.exclude(pk=prop.pk)
        if clash.exists():
            errors["property_number"] = _(
                "Property number %(number)s is already in use in this organization."
            ) % {"number": number}
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def property_create(
    *,
    org: Organization,
    actor: User | None,
    address: str,
    parent: Property | None = None,
    name: str = "",
    property_number: str = "",
    postcode: str = "",
    city: str = "",
    property_type: str = "",
    area: str = "",
) -> Property:
    values = _validate_property(
        org,
        {
            "parent": parent,
            "name": name,
            "property_number": property_number,
            "address": address,
            "postcode": postcode,
            "city": city,
            "property_type": property_type,
            "area": area,
        },
        None,
    )
    prop = Property.objects.create(organization=org, **values)
    return _created(org, actor, prop, PROPERTY_FIELDS)


@transaction.atomic
def property_update(
    *, org: Organization, actor: User | None, property: Property, **changes: Any
) -> Property:
    """Change any of PROPERTY_FIELDS; a new parent may not be the property or one of its parts."""
    check_same_org(org, property)
    values = _merged(property, PROPERTY_FIELDS, changes, "property_update")
    values = _validate_property(org, values, property)
    _apply(org, actor, property, PROPERTY_FIELDS, values)
    return property


# --- Containers ---------------------------------------------------------------------------


def _validate_container(
    org: Organization, values: dict[str, Any], container: Container | None
) -> dict[str, Any]:
    values = _clean_text(values)
    errors: dict[str, str] = {}
    if values.get("property") is None:
        errors["property"] = _("Choose the property the container stands at.")
    elif _foreign(org, values["property"]):
        errors["property"] = _("That belongs to another organization.")
    container_id = values.get("container_id")
    if not container_id:
        errors["container_id"] = _("Enter the container ID.")
    else:
        clash = Container.objects.filter(organization=org, container_id__iexact=container_id)
        if container is not None:
            clash = clash.exclude(pk=container.pk)
        other = clash.select_related("property").first()
        if other is not None:
            errors["container_id"] = _(
                "Container ID %(id)s is already used by a container at %(address)s."
            ) % {"id": container_id, "address": other.property.full_address}
    if not values.get("fraction"):
        errors["fraction"] = _("Enter the waste fraction.")
    size = values.get("size_litres")
    if size is not None and size <= 0:
        errors["size_litres"] = _("The size must be more than 0 litres.")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def container_create(
    *,
    org: Organization,
    actor: User | None,
    property: Property,
    container_id: str,
    fraction: str,
    container_type: str = "",
    size_litres: int | None = None,
    placement_address: str = "",
) -> Container:
    values = _validate_container(
        org,
        {
            "property": property,
            "container_id": container_id,
            "fraction": fraction,
            "container_type": container_type,
            "size_litres": size_litres,
            "placement_address": placement_address,
        },
        None,
    )
    container = Container.objects.create(organization=org, **values)
    return _created(org, actor, container, CONTAINER_FIELDS)


@transaction.atomic
def container_update(
    *, org: Organization, actor: User | None, container: Container, **changes: Any
) -> Container:
    check_same_org(org, container)
    values = _merged(container, CONTAINER_FIELDS, changes, "container_update")
    values = _validate_container(org, values, container)
    _apply(org, actor, container, CONTAINER_FIELDS, values)
    return container


# --- Agreements ---------------------------------------------------------------------------


def _validate_agreement(org: Organization, values: dict[str, Any]) -> dict[str, Any]:
    values = _clean_text(values)
    values["currency"] = (values.get("currency") or default_currency(org)).upper()
    errors: dict[str, str] = {}
    if values.get("property") is None:
        errors["property"] = _("Choose the property the agreement is for.")
    elif _foreign(org, values["property"]):
        errors["property"] = _("That belongs to another organization.")
    if _foreign(org, values.get("customer")):
        errors["customer"] = _("That belongs to another organization.")
    start: datetime.date | None = values.get("period_start")
    end: datetime.date | None = values.get("period_end")
    if start is None:
        errors["period_start"] = _("Enter the date the agreement starts.")
    elif end is not None and end < start:
        errors["period_end"] = _("The period cannot end before it starts.")
    price = values.get("price")
    if price is None:
        values["price"] = Decimal("0")
    elif price < 0:
        errors["price"] = _("The price cannot be negative.")
    if len(values["currency"]) != 3 or not values["currency"].isalpha():
        errors["currency"] = _("Use a three-letter currency code such as NOK, SEK or DKK.")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def agreement_create(
    *,
    org: Organization,
    actor: User | None,
    property: Property,
    period_start: datetime.date,
    period_end: datetime.date | None = None,
    price: Decimal | int | str = 0,
    currency: str = "",
    customer=None,
    description: str = "",
) -> Agreement:
    values = _validate_agreement(
        org,
        {
            "property": property,
            "customer": customer,
            "period_start": period_start,
            "period_end": period_end,
            "price": Decimal(str(price)) if price is not None else None,
            "currency": currency,
            "description": description,
        },
    )
    agreement = Agreement.objects.create(organization=org, **values)
    return _created(org, actor, agreement, AGREEMENT_FIELDS)


@transaction.atomic
def agreement_update(
    *, org: Organization, actor: User | None, agreement: Agreement, **changes: Any
) -> Agreement:
    check_same_org(org, agreement)
    values = _merged(agreement, AGREEMENT_FIELDS, changes, "agreement_update")
    if values.get("price") is not None:
        values["price"] = Decimal(str(values["price"]))
    values = _validate_agreement(org, values)
    _apply(org, actor, agreement, AGREEMENT_FIELDS, values)
    return agreement
