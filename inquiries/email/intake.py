"""New inquiries from received e-mail: the e-mail intake rule, and its confirmation."""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.services.attachments import MAX_FILES_PER_UPLOAD, attachment_check
from inquiries.email.parse import ParsedEmail
from inquiries.models import Channel, InboundEmail, Inquiry
from notifications.models import OutboundMessage
from organizations.models import Organization


def inquiry_item(email: InboundEmail, parsed: ParsedEmail) -> tuple[dict, list[str]]:
    """inquiry_receive's arguments for the e-mail, and the names of files it cannot keep."""
    accepted, refused = [], []
    for file in parsed.files:
        if len(accepted) >= MAX_FILES_PER_UPLOAD:
            refused.append(file.name)
            continue
        try:
            accepted.append(attachment_check(_upload(file.name, file.data)))
        except ValidationError:
            refused.append(file.name)
    message = parsed.text
    if not message and not parsed.subject:
        message = _("(The e-mail has no text; see the attachments.)")
    item = {
        "sender_name": parsed.from_name[:200],
        "sender_email": parsed.from_address if _valid_email(parsed.from_address) else "",
        "subject": parsed.subject[:200],
        "message": message,
        "checked_attachments": accepted,
        "raw_payload": {"inbound_email_id": email.pk, "message_id": email.message_id},
    }
    return item, refused


def inquiries_create(org: Organization, pending: list[tuple[InboundEmail, dict]]) -> None:
    """New inquiries through the e-mail channel's intake rule (one insert for all), linked
    to their e-mails, each with its confirmation when the rule asks for one."""
    from inquiries.services.intake import inquiries_receive_many

    if not pending:
        return
    inquiries = inquiries_receive_many(
        org=org, channel=Channel.EMAIL, items=[item for _email, item in pending]
    )
    waiting = []
    for (email, _item), inquiry in zip(pending, inquiries, strict=True):
        email.inquiry = inquiry
        email.case_id = inquiry.case_id
        if inquiry.case_id is None:
            waiting.append((inquiry, email.message_id))
    inquiry_confirmations_send(org=org, inquiries=waiting)


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name or "file", data)


def _valid_email(address: str) -> bool:
    from django.core.validators import validate_email

    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


# This process's copy of each organization's "send a confirmation" setting, kept a few seconds:
# a busy worker would otherwise read the rule once per e-mail.
RULE_SECONDS = 5.0
_confirmation_setting: dict[int, tuple[float, bool]] = {}


def _sends_confirmation(org: Organization) -> bool:
    from inquiries.services.rules import intake_rule_for

    now = time.monotonic()
    cached = _confirmation_setting.get(org.pk)
    if cached is not None and cached[0] > now:
        return cached[1]
    value = intake_rule_for(org, Channel.EMAIL).send_confirmation
    _confirmation_setting[org.pk] = (now + RULE_SECONDS, value)
    return value


def forget_cached_settings() -> None:
    """Tests change rules between e-mails: forget this process's copies."""
    _confirmation_setting.clear()
    from inquiries.email.classify import forget_own_addresses

    forget_own_addresses()


def inquiry_confirmations_send(
    *, org: Organization, inquiries: list[tuple[Inquiry, str]]
) -> list[OutboundMessage]:
    """The e-mail intake rule's "send a confirmation": an automatic reply to each sender, in
    the thread of their e-mail (pairs of inquiry and the Message-ID it answers), queued in one
    insert. Cases created at once get theirs from the case-creation flow."""
    from notifications.messages import language_for, render, template_for
    from notifications.outbox import message_queue_many

    inquiries = [(i, mid) for i, mid in inquiries if i.sender_email]
    if not inquiries or not _sends_confirmation(org):
        return []
    language = language_for(org, None)
    template = template_for(org, OutboundMessage.Kind.CONFIRMATION, language)
    items = []
    for inquiry, message_id in inquiries:
        rendered = render(
            org=org,
            kind=OutboundMessage.Kind.CONFIRMATION,
            language=language,
            values={
                "customer_name": inquiry.sender_name or inquiry.sender_email,
                "subject": inquiry.subject or _("your inquiry"),
            },
            template=template,
        )
        in_reply_to = message_id if message_id.startswith("<") else ""
        items.append(
            {
                "org": org,
                "channel": OutboundMessage.Channel.EMAIL,
                "to": inquiry.sender_email,
                "to_name": inquiry.sender_name,
                "subject": rendered.subject,
                "text": rendered.text,
                "html": rendered.html,
                "kind": OutboundMessage.Kind.CONFIRMATION,
                "language": language,
                "in_reply_to": in_reply_to,
                "references": in_reply_to,
                "automatic": True,
            }
        )
    return message_queue_many(items)
