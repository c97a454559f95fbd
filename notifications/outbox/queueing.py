"""Queueing: the rows written in the caller's transaction, and their hand-over to the workers."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import OutboundMessage
from organizations.models import Organization, User

logger = logging.getLogger(__name__)

Status = OutboundMessage.Status
Channel = OutboundMessage.Channel

AUTO_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def new_message_id() -> str:
    return f"<{uuid.uuid4().hex}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"


def normalise_phone(number: str) -> str:
    """E.164 for an SMS recipient: spaces, dashes and dots go; 00 becomes +; a bare 8-digit
    number gets the default country code (Norwegian, Swedish and Danish numbers are 8–10
    digits). Raises ValidationError for anything that is not a phone number."""
    cleaned = "".join(ch for ch in (number or "") if ch not in " -.()\u00a0")
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    invalid = ValidationError(_("%(number)s is not a mobile number.") % {"number": number})
    if not cleaned.isascii():  # str.isdigit() below also takes "²" and other scripts' digits
        raise invalid
    if not cleaned.startswith("+") and cleaned.isdigit() and len(cleaned) == 8:
        cleaned = settings.SMS_DEFAULT_COUNTRY_CODE + cleaned
    if not (cleaned.startswith("+") and cleaned[1:].isdigit() and 8 <= len(cleaned) <= 16):
        raise invalid
    return cleaned


def clean_recipient(channel: str, to: str) -> str:
    to = (to or "").strip()
    if channel == Channel.EMAIL:
        try:
            validate_email(to)
        except ValidationError as exc:
            raise ValidationError(
                _("%(address)s is not an e-mail address.") % {"address": to or "—"}
            ) from exc
        return to
    if channel == Channel.SMS:
        return normalise_phone(to)
    raise ValidationError(_("Unknown channel."))


def message_queue(
    *,
    org: Organization,
    channel: str,
    to: str,
    text: str,
    subject: str = "",
    html: str = "",
    kind: str = OutboundMessage.Kind.OTHER,
    language: str = "",
    to_name: str = "",
    from_email: str = "",
    reply_to: str | None = None,
    attachments: Sequence[dict] = (),
    in_reply_to: str = "",
    references: str = "",
    automatic: bool = False,
    headers: dict | None = None,
    created_by: User | None = None,
) -> OutboundMessage:
    """Write one outbox row and send it once the caller's transaction commits.

    `automatic` marks messages no person wrote (notifications, confirmations): they carry
    `Auto-Submitted: auto-generated` so well-behaved auto-responders stay quiet. `reply_to`
    defaults to the organization's primary receiving address."""
    return message_queue_many(
        [
            {
                "org": org,
                "channel": channel,
                "to": to,
                "text": text,
                "subject": subject,
                "html": html,
                "kind": kind,
                "language": language,
                "to_name": to_name,
                "from_email": from_email,
                "reply_to": reply_to,
                "attachments": attachments,
                "in_reply_to": in_reply_to,
                "references": references,
                "automatic": automatic,
                "headers": headers,
                "created_by": created_by,
            }
        ]
    )[0]


def message_queue_many(items: Sequence[dict]) -> list[OutboundMessage]:
    """`message_queue` for many rows in one insert (bulk case creation sends one per case)."""
    if not items:
        return []
    reply_addresses: dict[int, str] = {}
    rows = []
    now = timezone.now()
    for item in items:
        org = item["org"]
        channel = item["channel"]
        to = clean_recipient(channel, item["to"])
        reply_to = item.get("reply_to")
        if reply_to is None and channel == Channel.EMAIL:
            if org.pk not in reply_addresses:
                reply_addresses[org.pk] = primary_address(org)
            reply_to = reply_addresses[org.pk]
        headers = dict(AUTO_HEADERS) if item.get("automatic") else {}
        headers.update(item.get("headers") or {})
        rows.append(
            OutboundMessage(
                organization=org,
                channel=channel,
                kind=item.get("kind") or OutboundMessage.Kind.OTHER,
                to=to,
                to_name=(item.get("to_name") or "")[:200],
                from_email=item.get("from_email") or default_from(org),
                reply_to=reply_to or "",
                subject=(item.get("subject") or "")[:300] if channel == Channel.EMAIL else "",
                body_text=item["text"],
                body_html=item.get("html") or "" if channel == Channel.EMAIL else "",
                language=item.get("language") or org.default_language,
                headers=headers if channel == Channel.EMAIL else {},
                attachments=list(item.get("attachments") or ()) if channel == Channel.EMAIL else [],
                message_id=new_message_id() if channel == Channel.EMAIL else "",
                in_reply_to=item.get("in_reply_to") or "",
                references=item.get("references") or "",
                created_by=item.get("created_by"),
                created_at=now,
                next_attempt_at=now,
                status_changed_at=now,
            )
        )
    OutboundMessage.objects.bulk_create(rows)
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: enqueue(org.pk, ids))
    return rows


def primary_address(org: Organization) -> str:
    from notifications.models import ReceivingAddress

    return (
        ReceivingAddress.objects.filter(organization=org, is_primary=True)
        .values_list("address", flat=True)
        .first()
        or ""
    )


def default_from(org: Organization) -> str:
    """`"<organization name>" <DEFAULT_FROM_EMAIL's address>`: the provider's verified sender
    with the organization's name, so customers see who writes."""
    from email.utils import formataddr, parseaddr

    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((org.name, address)) if address else settings.DEFAULT_FROM_EMAIL


# Rows per send task: a task per row costs more in Celery and Redis than sending a message to
# a fast provider does, so many rows go in tasks of up to this many ids. Each row is still
# claimed, sent and recorded on its own, so a killed worker resends at most the one in flight.
TASK_BATCH = 50


def enqueue(organization_id: int, ids: Iterable[int]) -> None:
    """Hand rows of one organization to the workers. Losing this (Redis down) loses nothing:
    the sweeper finds them."""
    from notifications.tasks import send_message, send_messages

    ids = list(ids)
    for start in range(0, len(ids), TASK_BATCH):
        chunk = ids[start : start + TASK_BATCH]
        try:
            if len(chunk) == 1:
                send_message.delay(organization_id, chunk[0])
            else:
                send_messages.delay(organization_id, chunk)
        except Exception:  # the broker is down: the rows wait for the sweeper
            logger.warning(
                "outbox: could not enqueue messages %s; the sweeper will", chunk, exc_info=True
            )
