"""Undoing an unlink: a contact role ended by mistake is restored (its end date as before), one
that was removed because it had not started is linked again. What to undo is kept in the
caseworker's session for a few minutes (never taken from the form), so only the person who
unlinked can undo, only in the organization they unlinked in, and only the last unlink."""

from __future__ import annotations

import datetime
import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from customers import services
from customers.audit import CONTACT_ROLE_AUDIT_FIELDS, audit_contact_role
from customers.models import ContactRole, Customer
from organizations.audit import model_snapshot
from organizations.models import Organization, User
from organizations.models_audit import AuditAction
from organizations.scoping import check_same_org
from properties.models import Property

SESSION_KEY = "contact_role_undo"
UNDO_SECONDS = 10 * 60


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def undo_remember(
    request: HttpRequest, role: ContactRole, *, previous_end: datetime.date | None, removed: bool
) -> None:
    """Keep what the unlink changed, so `contact_role_unlink_undo` can put it back."""
    request.session[SESSION_KEY] = {
        "org": request.org.pk,
        "id": None if removed else role.pk,
        "previous_end": _iso(previous_end),
        "customer": role.customer_id,
        "property": role.property_id,
        "role": role.role,
        "start": _iso(role.start_date),
        "end": _iso(previous_end),
        "label": str(role.customer if role.customer_id else "")[:200],
        "at": time.time(),
    }


def undo_pending(request: HttpRequest, *, customer=None, property=None) -> dict | None:
    """The unlink this person may still undo on this customer's or property's section."""
    entry = request.session.get(SESSION_KEY)
    if not entry or entry.get("org") != request.org.pk:
        return None
    if time.time() - entry.get("at", 0) > UNDO_SECONDS:
        return None
    if customer is not None and entry["customer"] != customer.pk:
        return None
    if property is not None and entry["property"] != property.pk:
        return None
    return entry


@transaction.atomic
def contact_role_unlink_undo(*, org: Organization, actor: User | None, entry: dict) -> ContactRole:
    """Put back what an unlink changed (`entry` from `undo_remember`); audited as restored."""
    if entry.get("org") != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    if entry.get("id") is None:  # it had not started and was removed: link it again
        customer = Customer.objects.filter(organization=org, pk=entry["customer"]).first()
        prop = Property.objects.filter(organization=org, pk=entry["property"]).first()
        if customer is None or prop is None:
            raise ValidationError(_("The customer or the property is gone; link them again."))
        return services.contact_role_add(
            org=org,
            actor=actor,
            customer=customer,
            property=prop,
            role=entry["role"],
            start_date=_date(entry["start"]),
            end_date=_date(entry["end"]),
        )
    role = (
        ContactRole.objects.select_for_update(of=("self",))
        .select_related("customer", "property")
        .filter(organization=org, pk=entry["id"])
        .first()
    )
    if role is None:
        raise ValidationError(_("The link is gone; add it again."))
    check_same_org(org, role)
    before = model_snapshot(role, CONTACT_ROLE_AUDIT_FIELDS)
    role.end_date = _date(entry["previous_end"])
    role.save(update_fields=["end_date"])
    audit_contact_role(org, actor, role, AuditAction.RESTORED, before)
    return role
