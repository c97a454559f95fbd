"""The notifications app's part of the privacy export and erasure (registered in
NotificationsConfig.ready): the e-mails and text messages sent to the person's address or number.

Erasure keeps each outbox row (its status and dates are the organization's record of what was
sent) with recipient, subject, bodies and attachment list emptied; other rows (a forward to a
supplier, a staff e-mail) and the staff's in-app notifications keep their text with the strings
that identify the person removed.
"""

from __future__ import annotations

from django.db.models import Q

from customers.models import Customer
from customers.personal_data import Part
from customers.personal_data_part import identifiers, phones, redact_rows
from notifications.models import Notification, OutboundMessage


def _messages_to(org, customer: Customer):
    condition = Q(channel=OutboundMessage.Channel.SMS, to__in=phones(customer))
    if customer.email.strip():
        condition |= Q(channel=OutboundMessage.Channel.EMAIL, to__iexact=customer.email.strip())
    return OutboundMessage.objects.filter(organization=org).filter(condition)


def _export(org, customer: Customer) -> list[dict]:
    rows = _messages_to(org, customer).order_by("created_at", "pk")
    return [
        {
            "channel": row.channel,
            "kind": row.kind,
            "to": row.to,
            "to_name": row.to_name,
            "subject": row.subject,
            "text": row.body_text,
            "status": row.status,
            "created_at": row.created_at,
            "sent_at": row.sent_at,
        }
        for row in rows
    ]


def _erase(org, customer: Customer, actor) -> None:
    needles = identifiers(customer)
    _messages_to(org, customer).update(
        to="",
        to_name="",
        subject="",
        body_text="",
        body_html="",
        attachments=[],
        last_error="",
    )
    redact_rows(
        OutboundMessage.objects.filter(organization=org),
        ["to_name", "subject", "body_text", "body_html", "last_error"],
        needles,
        json_fields=["attachments", "headers"],
    )
    redact_rows(Notification.objects.filter(organization=org), ["text"], needles)


PART = Part(name="notifications", export=_export, erase=_erase)
