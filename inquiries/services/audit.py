"""The inquiries module's entries in the organization's audit trail (organizations.audit).

Bulk paths write their events with one insert, whatever the number of inquiries, and read
nothing more from the database than they already had.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from inquiries.models import Inquiry
from organizations.audit import audit_build, audit_bulk_create, model_snapshot
from organizations.models import Organization, User

MODULE = "inquiries"
# What a received inquiry's "created" event shows (no foreign keys: reading them would cost a
# query per inquiry on the bulk paths).
RECEIVED_FIELDS = ("channel", "sender_name", "sender_email", "sender_phone", "subject")
NEW_CUSTOMER_FIELDS = ("customer_type", "kind", "name", "email", "phone")


def status_label(status: str) -> str:
    """The status as organizations.audit stores a choice (its label in the source language)."""
    return model_snapshot(Inquiry(status=status), ["status"])["status"]


def sender_label(inquiry: Inquiry) -> str:
    """Who sent it, as the actor of an inquiry that came in from outside."""
    return inquiry.sender_name or inquiry.sender_email or inquiry.sender_phone


def audit_received(org: Organization, actor: User | None, inquiries: Iterable[Inquiry]) -> None:
    """A "created" event per new inquiry: by the staff member who registered it, else by its
    sender."""
    events = []
    for inquiry in inquiries:
        values = model_snapshot(inquiry, RECEIVED_FIELDS)
        events.append(
            audit_build(
                org=org,
                actor=actor or sender_label(inquiry) or None,
                module=MODULE,
                obj=inquiry,
                action="created",
                changes={name: ["", value] for name, value in values.items() if value},
            )
        )
    audit_bulk_create(events)


def audit_converted(
    org: Organization, actor: User | None, inquiries: Sequence[Inquiry], cases: Sequence
) -> None:
    """A "converted" event per inquiry, naming the case it became, and a "created" event
    (module customers) per customer the intake rule made for them: one insert."""
    events = []
    new_customers = {}
    for inquiry, case in zip(inquiries, cases, strict=True):
        events.append(
            audit_build(
                org=org,
                actor=actor,
                module=MODULE,
                obj=inquiry,
                action="converted",
                changes={
                    "status": [status_label(Inquiry.Status.NEW), status_label(inquiry.status)],
                    "case": ["", str(case)],
                },
            )
        )
        customer = case.customer
        if customer is not None and getattr(customer, "created_by_intake", False):
            new_customers[customer.pk] = customer
    for customer in new_customers.values():
        values = model_snapshot(customer, NEW_CUSTOMER_FIELDS)
        events.append(
            audit_build(
                org=org,
                actor=actor,
                module="customers",
                obj=customer,
                action="created",
                changes={name: ["", value] for name, value in values.items() if value},
            )
        )
    audit_bulk_create(events)


def audit_status(
    org: Organization,
    actor: User | None,
    inquiries: Iterable[Inquiry],
    action: str,
    old: str,
    new: str,
    **more: list[str],
) -> None:
    """One event per inquiry whose status went from `old` to `new` (status values)."""
    audit_bulk_create(
        audit_build(
            org=org,
            actor=actor,
            module=MODULE,
            obj=inquiry,
            action=action,
            changes={"status": [status_label(old), status_label(new)], **more},
        )
        for inquiry in inquiries
    )
