"""The audit trail's part of the privacy export and erasure (GDPR).

The audit trail keeps display text: a customer's old and new name, e-mail address or phone in
`changes`, their name as an object's label or as who sent an inquiry. The export holds the
events about the customer; erasure blanks the values of those events and replaces the strings
that identify the person in every event of the organization (as the other parts do in their
text), then records that the customer was anonymised.
"""

from __future__ import annotations

from customers.models import Customer
from customers.personal_data import Part
from customers.personal_data_part import anonymised_name, identifiers, redact_rows
from organizations.audit import audit_record
from organizations.models_audit import AuditAction, AuditEvent, AuditModule

CUSTOMER_TYPE = Customer._meta.label_lower


def _own_events(org, customer: Customer):
    return AuditEvent.objects.filter(
        organization=org, object_type=CUSTOMER_TYPE, object_id=customer.pk
    )


def _export(org, customer: Customer) -> list[dict]:
    return [
        {
            "when": event.created_at,
            "by": event.actor_label,
            "action": event.action,
            "changes": event.changes,
        }
        for event in _own_events(org, customer).order_by("created_at", "id")
    ]


def _erase(org, customer: Customer, actor) -> None:
    needles = identifiers(customer)
    label = anonymised_name(customer)
    for event in _own_events(org, customer).iterator(chunk_size=500):
        event.changes = {name: ["", ""] for name in (event.changes or {})}
        event.object_label = label
        event.save(update_fields=["changes", "object_label"])
    redact_rows(
        AuditEvent.objects.filter(organization=org),
        ["object_label", "actor_label"],
        needles,
        json_fields=["changes"],
    )
    audit_record(
        org=org,
        actor=actor,
        module=AuditModule.CUSTOMERS,
        obj=customer,
        action=AuditAction.ANONYMISED,
        label=label,
    )


PART = Part(name="events", export=_export, erase=_erase)
