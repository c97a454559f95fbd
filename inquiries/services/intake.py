"""Receiving inquiries from every channel: API, web form, portal, e-mail and phone (staff).

`inquiry_receive` is the one entry point the channels call. It validates, finds the property,
stores the attachments and then follows the channel's intake rule: either the inquiry waits in
the tray, or it becomes a case at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils.translation import gettext as _

from cases.services.attachments import files_removed_on_error
from customers.models import Customer
from customers.services import normalize_email
from inquiries.models import Channel, Inquiry, InquiryAttachment
from inquiries.services.audit import audit_received
from inquiries.services.convert import inquiries_convert_by_rules
from inquiries.services.files import attachments_check, generated_name
from inquiries.services.matching import property_resolve
from inquiries.services.rules import channel_group_for, creates_case_at_once, intake_rule_for
from organizations.models import Organization, User
from organizations.scoping import check_same_org
from properties.models import Property

__all__ = ["inquiries_receive_many", "inquiry_receive", "inquiry_register", "intake_rule_for"]

# Longest accepted value per text field (the model's column sizes).
MAX_LENGTHS = {
    "sender_name": 200,
    "sender_phone": 32,
    "subject": 200,
    "location": 200,
    "category": 100,
    "external_reference": 100,
    "address": 300,
    "property_number": 64,
}


def _clean(values: dict[str, str]) -> dict[str, str]:
    cleaned = {key: (value or "").strip() for key, value in values.items()}
    cleaned["sender_email"] = normalize_email(cleaned.get("sender_email", ""))
    errors: dict[str, str] = {}
    for key, limit in MAX_LENGTHS.items():
        if len(cleaned.get(key, "")) > limit:
            errors[key] = _("At most %(limit)d characters.") % {"limit": limit}
    if cleaned["sender_email"]:
        try:
            validate_email(cleaned["sender_email"])
        except ValidationError:
            errors["sender_email"] = _("Enter a valid e-mail address.")
    if not cleaned.get("subject") and not cleaned.get("message"):
        errors["message"] = _("Write what the inquiry is about.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _create(
    *,
    org: Organization,
    channel: str,
    values: dict[str, str],
    property: Property | None,
    attachments: Iterable,
    raw_payload: Any,
    registered_by: User | None,
    written: list[str],
    customer: Customer | None = None,
) -> Inquiry:
    """Store the inquiry and its files; each stored file's name is appended to `written`."""
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    values = _clean(values)
    checked = attachments_check(attachments)
    if property is not None and property.organization_id != org.pk:
        raise ValidationError({"property": _("That belongs to another organization.")})
    check_same_org(org, customer)
    if property is not None:
        property_id = property.pk
    else:
        property_id = property_resolve(
            org, property_number=values["property_number"], address=values["address"]
        )
    given = ", ".join(p for p in (values["property_number"], values["address"]) if p)
    inquiry = Inquiry.objects.create(
        organization=org,
        channel=channel,
        sender_name=values["sender_name"],
        sender_email=values["sender_email"],
        sender_phone=values["sender_phone"],
        subject=values["subject"],
        message=values["message"],
        property_id=property_id,
        property_text="" if property_id is not None else given[:300],
        customer=customer,
        location=values["location"],
        category_hint=values["category"],
        external_reference=values["external_reference"],
        raw_payload=raw_payload if raw_payload is not None else {},
        registered_by=registered_by,
    )
    InquiryAttachment.objects.bulk_create(_attachment_rows(org, inquiry, checked, written))
    audit_received(org, registered_by, [inquiry])
    return inquiry


def _attachment_rows(
    org: Organization, inquiry: Inquiry, checked: Iterable, written: list[str]
) -> list[InquiryAttachment]:
    """Store each checked upload under a generated name (noted in `written`, so a failure
    removes it) and return the unsaved rows for one bulk insert."""
    rows = []
    for item in checked:
        row = InquiryAttachment(
            organization=org,
            inquiry=inquiry,
            stored_name=generated_name(item.extension),
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
        )
        item.upload.seek(0)
        row.file.save(row.stored_name, item.upload, save=False)
        written.append(row.file.name)
        rows.append(row)
    return rows


def _apply_rule(
    org: Organization, inquiry: Inquiry, actor: User | None, at_once: bool | None = None
) -> Inquiry:
    if at_once is None:
        at_once = creates_case_at_once(org, inquiry.channel)
    if at_once:
        inquiries_convert_by_rules(org=org, actor=actor, ids=[inquiry.pk], bulk=False)
        inquiry.refresh_from_db()
    return inquiry


def inquiry_receive(
    *,
    org: Organization,
    channel: str,
    sender_name: str = "",
    sender_email: str = "",
    sender_phone: str = "",
    subject: str = "",
    message: str = "",
    address: str = "",
    property_number: str = "",
    location: str = "",
    category: str = "",
    external_reference: str = "",
    attachments: Iterable = (),
    raw_payload: Any = None,
    actor: User | None = None,
    customer: Customer | None = None,
    property: Property | None = None,
) -> Inquiry:
    """Record an inquiry from `channel` and apply the channel's intake rule.

    `customer` and `property` are known objects (a signed-in resident and the home they chose
    in the portal); both must belong to `org`. Without `property`, the property is looked up
    from `property_number` / `address`.

    `attachments` are Django uploads / File objects or (file name, bytes) pairs; each is checked
    by content (images, PDF, office documents, plain text) and size. Bad input raises
    ValidationError with a dict of field → messages (files under "attachments"); nothing is
    stored then. With the rule's "create cases at once" the inquiry is returned converted,
    `inquiry.case` set.
    """
    channel_group_for(channel)
    attachments = list(attachments)
    at_once = creates_case_at_once(org, channel)
    # The inquiry and its audit row need a transaction so that nothing is left half-done
    # (files written are deleted if it fails, at its COMMIT too); inside the request's own
    # (the organization scope) no savepoint is added for the common case (no files, the
    # inquiry waits in the tray).
    nested = connection.in_atomic_block and not (attachments or at_once)
    guard = contextlib.nullcontext() if nested else transaction.atomic()
    with files_removed_on_error() as written, guard:
        inquiry = _create(
            org=org,
            channel=channel,
            values={
                "sender_name": sender_name,
                "sender_email": sender_email,
                "sender_phone": sender_phone,
                "subject": subject,
                "message": message,
                "address": address,
                "property_number": property_number,
                "location": location,
                "category": category,
                "external_reference": external_reference,
            },
            property=property,
            attachments=attachments,
            raw_payload=raw_payload,
            registered_by=actor if channel == Channel.PHONE else None,
            written=written,
            customer=customer,
        )
        return _apply_rule(org, inquiry, actor, at_once)


def inquiry_register(
    *,
    org: Organization,
    actor: User,
    sender_name: str = "",
    sender_email: str = "",
    sender_phone: str = "",
    subject: str = "",
    message: str = "",
    property: Property | None = None,
    address: str = "",
    location: str = "",
    attachments: Iterable = (),
) -> Inquiry:
    """Staff type in an inquiry from a phone call (seed 003); it follows the external rule."""
    with files_removed_on_error() as written, transaction.atomic():
        inquiry = _create(
            org=org,
            channel=Channel.PHONE,
            values={
                "sender_name": sender_name,
                "sender_email": sender_email,
                "sender_phone": sender_phone,
                "subject": subject,
                "message": message,
                "address": address,
                "property_number": "",
                "location": location,
                "category": "",
                "external_reference": "",
            },
            property=property,
            attachments=attachments,
            raw_payload=None,
            registered_by=actor,
            written=written,
        )
        return _apply_rule(org, inquiry, actor)


def inquiries_receive_many(
    *, org: Organization, channel: str, items: list[dict[str, Any]]
) -> list[Inquiry]:
    """`inquiry_receive` for many inquiries of one channel (the e-mail pipeline's batches):
    the same checks, one insert for the inquiries and one for their files, then the channel's
    intake rule. `items` hold inquiry_receive's keyword arguments (sender_name, sender_email,
    subject, message, attachments, raw_payload...), or `checked_attachments` (CheckedUpload,
    from `attachment_check`) instead of attachments. Any invalid item raises ValidationError
    and nothing is stored."""
    channel_group_for(channel)
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    at_once = creates_case_at_once(org, channel)
    with files_removed_on_error() as written, transaction.atomic():
        rows, files = [], []
        for item in items:
            values = _clean({key: item.get(key, "") for key in _VALUE_KEYS})
            # Files the caller has already put through the checks (CheckedUpload) are not
            # checked again.
            checked = item.get("checked_attachments")
            if checked is None:
                checked = attachments_check(item.get("attachments") or ())
            property_id = property_resolve(
                org, property_number=values["property_number"], address=values["address"]
            )
            given = ", ".join(p for p in (values["property_number"], values["address"]) if p)
            rows.append(
                Inquiry(
                    organization=org,
                    channel=channel,
                    sender_name=values["sender_name"],
                    sender_email=values["sender_email"],
                    sender_phone=values["sender_phone"],
                    subject=values["subject"],
                    message=values["message"],
                    property_id=property_id,
                    property_text="" if property_id is not None else given[:300],
                    location=values["location"],
                    category_hint=values["category"],
                    external_reference=values["external_reference"],
                    raw_payload=item.get("raw_payload") or {},
                )
            )
            files.append(checked)
        Inquiry.objects.bulk_create(rows)
        attachments = []
        for inquiry, checked in zip(rows, files, strict=True):
            attachments += _attachment_rows(org, inquiry, checked, written)
        InquiryAttachment.objects.bulk_create(attachments)
        audit_received(org, None, rows)
        if at_once and rows:
            inquiries_convert_by_rules(org=org, actor=None, ids=[i.pk for i in rows], bulk=False)
            converted = dict(
                Inquiry.objects.filter(pk__in=[i.pk for i in rows]).values_list("pk", "case_id")
            )
            for inquiry in rows:
                inquiry.case_id = converted.get(inquiry.pk)
                inquiry.status = Inquiry.Status.CONVERTED if inquiry.case_id else inquiry.status
        return rows


_VALUE_KEYS = (
    "sender_name",
    "sender_email",
    "sender_phone",
    "subject",
    "message",
    "address",
    "property_number",
    "location",
    "category",
    "external_reference",
)
