"""The inquiries app's part of the privacy export and erasure (registered in
InquiriesConfig.ready): the person's inquiries with their files, and the e-mails received from
them, raw copy included (`InboundEmail.raw`, exported as .eml files).

Erasure deletes the inquiries that never became a case (new or deleted ones: nothing of them is
the organization's), and of converted ones keeps the row for the case's history with the sender's
details, payload and files removed. Received e-mails keep their row (the pipeline's record of what
was done) without the raw message, sender or subject; the Message-ID is replaced by its hash so a
re-delivery is still recognised without keeping an address that may be in it.
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.db.models import Q

from customers.models import Customer
from customers.personal_data import Part
from customers.personal_data_part import identifiers, phones, redact_rows
from inquiries.models import ApiIdempotencyKey, InboundEmail, Inquiry, InquiryAttachment
from inquiries.services.files import stored_delete

INQUIRY_FIELDS = (
    "id",
    "channel",
    "sender_name",
    "sender_email",
    "sender_phone",
    "subject",
    "message",
    "property_text",
    "location",
    "category_hint",
    "external_reference",
    "raw_payload",
    "status",
    "created_at",
)


def their_inquiries(org, customer: Customer):
    condition = Q(customer=customer) | Q(case__customer=customer)
    if customer.email.strip():
        condition |= Q(sender_email__iexact=customer.email.strip())
    if phones(customer):
        condition |= Q(sender_phone__in=phones(customer))
    return Inquiry.objects.filter(organization=org).filter(condition)


def their_emails(org, customer: Customer):
    condition = Q(inquiry__in=their_inquiries(org, customer))
    if customer.email.strip():
        condition |= Q(from_address__iexact=customer.email.strip())
    return InboundEmail.objects.filter(organization=org).filter(condition)


def _export(org, customer: Customer) -> dict:
    inquiries = list(their_inquiries(org, customer).prefetch_related("attachments").order_by("pk"))
    emails = their_emails(org, customer).order_by("received_at", "pk")
    with_raw = set(emails.exclude(raw=b"").values_list("pk", flat=True))
    return {
        "inquiries": [
            {
                **{field: getattr(inquiry, field) for field in INQUIRY_FIELDS},
                "case_number": inquiry.case.number if inquiry.case_id else None,
                "attachments": [
                    {
                        "name": a.original_name,
                        "file": _arcname(a),
                        "content_type": a.content_type,
                        "size": a.size,
                    }
                    for a in inquiry.attachments.all()
                ],
            }
            for inquiry in inquiries
        ],
        "received_emails": [
            {
                "id": email.pk,
                "from": email.from_address,
                "from_name": email.from_name,
                "subject": email.subject,
                "received_at": email.received_at,
                "file": f"emails/{email.pk}.eml" if email.pk in with_raw else "",
            }
            for email in emails.only("pk", "from_address", "from_name", "subject", "received_at")
        ],
    }


def _arcname(attachment: InquiryAttachment) -> str:
    return f"inquiry-{attachment.inquiry_id}/{attachment.pk}-{attachment.original_name}"


def _files(org, customer: Customer):
    attachments = InquiryAttachment.objects.filter(
        organization=org, inquiry__in=their_inquiries(org, customer)
    ).order_by("pk")
    for attachment in attachments:
        yield _arcname(attachment), attachment.file
    # The raw messages are bytes in the row, read one at a time.
    for pk in (
        their_emails(org, customer).exclude(raw=b"").order_by("pk").values_list("pk", flat=True)
    ):
        raw = InboundEmail.objects.filter(pk=pk).values_list("raw", flat=True).first()
        if raw:
            yield f"emails/{pk}.eml", bytes(raw)


def _hashed(message_id: str) -> str:
    if message_id.startswith("erased:"):
        return message_id
    return "erased:" + hashlib.sha256(message_id.encode("utf-8", "replace")).hexdigest()


def _erase(org, customer: Customer, actor) -> None:
    needles = identifiers(customer)
    inquiries = their_inquiries(org, customer)
    attachments = InquiryAttachment.objects.filter(organization=org, inquiry__in=inquiries)
    names = list(attachments.values_list("file", flat=True))
    attachments.delete()
    transaction.on_commit(lambda: stored_delete(names))

    for email in their_emails(org, customer).only("pk", "message_id"):
        InboundEmail.objects.filter(pk=email.pk).update(
            raw=b"",
            from_address="",
            from_name="",
            subject="",
            error="",
            message_id=_hashed(email.message_id),
        )

    inquiries.exclude(status=Inquiry.Status.CONVERTED).delete()
    inquiries.update(sender_name="", sender_email="", sender_phone="", raw_payload={})
    redact_rows(
        Inquiry.objects.filter(organization=org),
        [
            "sender_name",
            "subject",
            "message",
            "property_text",
            "location",
            "external_reference",
            "deleted_reason",
        ],
        needles,
        json_fields=["raw_payload"],
    )
    redact_rows(
        InboundEmail.objects.filter(organization=org).defer("raw"),
        ["from_name", "subject", "error"],
        needles,
    )
    redact_rows(ApiIdempotencyKey.objects.filter(organization=org), [], needles, ["response_body"])


PART = Part(name="inquiries", export=_export, erase=_erase, files=_files)
