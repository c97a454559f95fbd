"""Writes for customers, suppliers and contact roles.

Every function validates first and raises `ValidationError` with a dict of field → message, so a
form can show each message next to the field the user typed it in. Each write records who did
what, with old and new values, in the organization's audit trail (organizations.audit, module
"customers"); a contact role's event is on the customer and on the property (module "properties").
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.audit import CONTACT_ROLE_AUDIT_FIELDS, audit_contact_role
from customers.models import ContactRole, Customer, Supplier
from organizations.audit import audit_changes, audit_created, audit_record, model_snapshot
from organizations.models import Membership, Organization, User
from organizations.models_audit import AuditAction
from organizations.scoping import check_same_org
from properties.models import Property

CUSTOMER_FIELDS = (
    "customer_type",
    "kind",
    "name",
    "email",
    "phone",
    "address",
    "postcode",
    "city",
    "org_number",
    "contact_person",
    "notes",
)
COMPANY_ONLY_FIELDS = ("org_number", "contact_person")
SUPPLIER_FIELDS = ("name", "email", "phone", "trade", "org_number", "is_active")
SUPPLIER_AUDIT_FIELDS = (*SUPPLIER_FIELDS, "users")


def _audit(org, actor, obj, action, changes=None):
    audit_record(org=org, actor=actor, module="customers", obj=obj, action=action, changes=changes)


def normalize_email(value: str) -> str:
    return (value or "").strip().lower()


def _clean_text(values: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.strip() if isinstance(value, str) else value for key, value in values.items()
    }


def _check_email(errors: dict[str, str], email: str) -> None:
    if not email:
        return
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid e-mail address.")


def _check_same_org(org: Organization, obj: Any, field: str, errors: dict[str, str]) -> None:
    if obj is not None and obj.organization_id != org.pk:
        errors[field] = _("That belongs to another organization.")


# --- Customers ----------------------------------------------------------------------------


def _validate_customer(values: dict[str, Any]) -> dict[str, Any]:
    values = _clean_text(values)
    values["email"] = normalize_email(values.get("email", ""))
    errors: dict[str, str] = {}
    if values.get("customer_type") not in Customer.Type.values:
        errors["customer_type"] = _("Choose person or company.")
    if values.get("kind") not in Customer.Kind.values:
        errors["kind"] = _("Choose a valid kind of customer.")
    is_company = values.get("customer_type") == Customer.Type.COMPANY
    if not values.get("name"):
        errors["name"] = (
            _("Enter the company's name.") if is_company else _("Enter the person's name.")
        )
    if not is_company:
        for field in COMPANY_ONLY_FIELDS:
            if values.get(field):
                errors[field] = _("Only companies have this; clear it or choose company.")
    _check_email(errors, values["email"])
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def customer_create(
    *,
    org: Organization,
    actor: User | None,
    name: str,
    customer_type: str = Customer.Type.PERSON,
    kind: str = Customer.Kind.REGULAR,
    email: str = "",
    phone: str = "",
    address: str = "",
    postcode: str = "",
    city: str = "",
    org_number: str = "",
    contact_person: str = "",
    notes: str = "",
) -> Customer:
    values = _validate_customer(
        {
            "customer_type": customer_type,
            "kind": kind,
            "name": name,
            "email": email,
            "phone": phone,
            "address": address,
            "postcode": postcode,
            "city": city,
            "org_number": org_number,
            "contact_person": contact_person,
            "notes": notes,
        }
    )
    customer = Customer.objects.create(organization=org, **values)
    audit_created(org=org, actor=actor, module="customers", obj=customer, fields=CUSTOMER_FIELDS)
    return customer


@transaction.atomic
def customer_update(
    *, org: Organization, actor: User | None, customer: Customer, **changes: Any
) -> Customer:
    """Change any of CUSTOMER_FIELDS; fields not passed keep their value."""
    check_same_org(org, customer)
    unknown = set(changes) - set(CUSTOMER_FIELDS)
    if unknown:
        raise TypeError(f"customer_update got unknown fields: {sorted(unknown)}")
    values = {field: getattr(customer, field) for field in CUSTOMER_FIELDS}
    values.update(changes)
    values = _validate_customer(values)
    changed = [field for field in CUSTOMER_FIELDS if getattr(customer, field) != values[field]]
    before = model_snapshot(customer, changed)
    for field in changed:
        setattr(customer, field, values[field])
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
        _audit(org, actor, customer, AuditAction.CHANGED, audit_changes(before, customer, changed))
    return customer


# --- Suppliers ----------------------------------------------------------------------------


def _supplier_users(org: Organization, users: Iterable[User]) -> list[User]:
    users = list(users)
    ids = {user.pk for user in users}
    valid = set(
        Membership.objects.filter(
            organization=org,
            user_id__in=ids,
            role=Membership.Role.SUPPLIER,
            is_active=True,
        ).values_list("user_id", flat=True)
    )
    if ids - valid:
        raise ValidationError(
            {"users": _("Only active members with the supplier role can work for a supplier.")}
        )
    return users


def _validate_supplier(
    org: Organization, values: dict[str, Any], supplier: Supplier | None
) -> dict[str, Any]:
    values = _clean_text(values)
    values["email"] = normalize_email(values.get("email", ""))
    errors: dict[str, str] = {}
    if not values.get("name"):
        errors["name"] = _("Enter the supplier's name.")
    else:
        clash = Supplier.objects.filter(organization=org, name__iexact=values["name"])
        if supplier is not None:
            clash = clash.exclude(pk=supplier.pk)
        if clash.exists():
            errors["name"] = _("A supplier with this name already exists.")
    _check_email(errors, values["email"])
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def supplier_create(
    *,
    org: Organization,
    actor: User | None,
    name: str,
    email: str = "",
    phone: str = "",
    trade: str = "",
    org_number: str = "",
    is_active: bool = True,
    users: Iterable[User] = (),
) -> Supplier:
    values = _validate_supplier(
        org,
        {
            "name": name,
            "email": email,
            "phone": phone,
            "trade": trade,
            "org_number": org_number,
            "is_active": is_active,
        },
        None,
    )
    users = _supplier_users(org, users)
    supplier = Supplier.objects.create(organization=org, **values)
    if users:
        supplier.users.set(users, through_defaults={"organization": org})
    audit_created(
        org=org, actor=actor, module="customers", obj=supplier, fields=SUPPLIER_AUDIT_FIELDS
    )
    return supplier


@transaction.atomic
def supplier_update(
    *,
    org: Organization,
    actor: User | None,
    supplier: Supplier,
    users: Iterable[User] | None = None,
    **changes: Any,
) -> Supplier:
    """Change any of SUPPLIER_FIELDS; `users=None` leaves the supplier's users as they are."""
    check_same_org(org, supplier)
    unknown = set(changes) - set(SUPPLIER_FIELDS)
    if unknown:
        raise TypeError(f"supplier_update got unknown fields: {sorted(unknown)}")
    values = {field: getattr(supplier, field) for field in SUPPLIER_FIELDS}
    values.update(changes)
    values = _validate_supplier(org, values, supplier)
    if users is not None:
        users = _supplier_users(org, users)
    changed = [field for field in SUPPLIER_FIELDS if getattr(supplier, field) != values[field]]
    watched = [*changed, "users"] if users is not None else changed
    before = model_snapshot(supplier, watched)
    for field in changed:
        setattr(supplier, field, values[field])
    if changed:
        supplier.save(update_fields=changed)
    if users is not None:
        supplier.users.set(users, through_defaults={"organization": org})
    diff = audit_changes(before, supplier, watched)
    if diff:
        _audit(org, actor, supplier, AuditAction.CHANGED, diff)
    return supplier


# --- Contact roles ------------------------------------------------------------------------


def _validate_role(
    org: Organization,
    *,
    customer: Customer,
    property: Property,
    role: str,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    existing: ContactRole | None,
) -> None:
    errors: dict[str, str] = {}
    _check_same_org(org, customer, "customer", errors)
    _check_same_org(org, property, "property", errors)
    if role not in ContactRole.Role.values:
        errors["role"] = _("Choose a valid role.")
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = _("The end date cannot be before the start date.")
    if not errors:
        clash = ContactRole.objects.filter(
            organization=org, customer=customer, property=property, role=role
        )
        if existing is not None:
            clash = clash.exclude(pk=existing.pk)
        other = clash.first()
        if other is not None:
            if other.end_date:
                errors["role"] = _(
                    "%(customer)s already had this role here until %(date)s; "
                    "edit that role instead."
                ) % {"customer": customer.name, "date": other.end_date.isoformat()}
            else:
                errors["role"] = _("%(customer)s already has this role for this property.") % {
                    "customer": customer.name
                }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contact_role_add(
    *,
    org: Organization,
    actor: User | None,
    customer: Customer,
    property: Property,
    role: str = ContactRole.Role.OWNER,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> ContactRole:
    _validate_role(
        org,
        customer=customer,
        property=property,
        role=role,
        start_date=start_date,
        end_date=end_date,
        existing=None,
    )
    contact_role = ContactRole.objects.create(
        organization=org,
        customer=customer,
        property=property,
        role=role,
        start_date=start_date,
        end_date=end_date,
    )
    audit_contact_role(org, actor, contact_role, AuditAction.LINKED, {})
    return contact_role


@transaction.atomic
def contact_role_update(
    *,
    org: Organization,
    actor: User | None,
    contact_role: ContactRole,
    role: str,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
) -> ContactRole:
    """Change the role and period. The customer and the property stay: unlink and add instead."""
    check_same_org(org, contact_role)
    _validate_role(
        org,
        customer=contact_role.customer,
        property=contact_role.property,
        role=role,
        start_date=start_date,
        end_date=end_date,
        existing=contact_role,
    )
    before = model_snapshot(contact_role, CONTACT_ROLE_AUDIT_FIELDS)
    contact_role.role = role
    contact_role.start_date = start_date
    contact_role.end_date = end_date
    contact_role.save(update_fields=["role", "start_date", "end_date"])
    audit_contact_role(org, actor, contact_role, AuditAction.CHANGED, before)
    return contact_role


@transaction.atomic
def contact_role_end(
    *,
    org: Organization,
    actor: User | None,
    contact_role: ContactRole,
    end_date: datetime.date | None = None,
) -> ContactRole | None:
    """Unlink a customer from a property.

    The role keeps its row with `end_date` set (today by default), so the property's earlier
    owners and residents stay on record. A role that has not started by then never took effect
    and is deleted instead; the function returns None in that case.
    """
    check_same_org(org, contact_role)
    end_date = end_date or timezone.localdate()
    if contact_role.end_date and contact_role.end_date <= end_date:
        raise ValidationError(_("This role has already ended."))
    if contact_role.start_date and contact_role.start_date > end_date:
        audit_contact_role(org, actor, contact_role, AuditAction.UNLINKED, None)
        contact_role.delete()
        return None
    before = model_snapshot(contact_role, CONTACT_ROLE_AUDIT_FIELDS)
    contact_role.end_date = end_date
    contact_role.save(update_fields=["end_date"])
    audit_contact_role(org, actor, contact_role, AuditAction.UNLINKED, before)
    return contact_role
