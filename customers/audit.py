"""The customers module's audit helpers (organizations.audit): a contact role's events."""

from __future__ import annotations

from customers.models import ContactRole
from organizations.audit import audit_changes, audit_record, model_snapshot
from organizations.models_audit import AuditAction, AuditModule

CONTACT_ROLE_AUDIT_FIELDS = ("role", "start_date", "end_date")


def audit_contact_role(
    org, actor, contact_role: ContactRole, action: str, before: dict | None
) -> None:
    """The event on both sides: on the customer (naming the property) and on the property
    (naming the customer)."""
    if before is None:  # the role is gone
        changes = {"role": [model_snapshot(contact_role, ["role"])["role"], ""]}
    else:
        changes = audit_changes(before, contact_role, CONTACT_ROLE_AUDIT_FIELDS)
    if not changes:
        return
    customer, prop = contact_role.customer, contact_role.property
    # The other side: added, removed, or the same (shown as context) when only changed.
    slots = {AuditAction.LINKED: (False, True), AuditAction.UNLINKED: (True, False)}
    was, now = slots.get(action, (True, True))

    def side(obj) -> list[str]:
        return [str(obj) if was else "", str(obj) if now else ""]

    audit_record(
        org=org,
        actor=actor,
        module=AuditModule.CUSTOMERS,
        obj=customer,
        action=action,
        changes={"property": side(prop), **changes},
    )
    audit_record(
        org=org,
        actor=actor,
        module=AuditModule.PROPERTIES,
        obj=prop,
        action=action,
        changes={"customer": side(customer), **changes},
    )
