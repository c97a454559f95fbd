"""Messages from a case to the outside world: a caseworker's reply to the customer (e-mail, SMS
or both), a forward to an external contact, and the automatic notices when a case is created
(to the customer and the supplier) and resolved.

Each message is an outbox row (notifications.outbox sends it after commit and keeps its
status) plus a MESSAGE_OUT event on the case naming the row, so the history shows the message
with its current delivery status. Every case e-mail's subject carries the case token ([#1234]),
so a customer's answer finds its case even when their mail program drops our headers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Attachment, Case, CaseEvent, NotificationRequest
from cases.services.events import event_build, events_save
from cases.services.service_levels import sla_first_response
from customers.models import Customer
from notifications.messages import language_for, render, template_for
from notifications.models import OutboundMessage
from notifications.outbox import clean_recipient, message_queue_many, message_retry
from organizations.models import Organization, User

Kind = OutboundMessage.Kind
Channel = OutboundMessage.Channel
Request = NotificationRequest

# Why an automatic message was not sent, as stored in the event (translated when shown).
SKIP_NO_CUSTOMER = "no_customer"
SKIP_NO_SUPPLIER = "no_supplier"
SKIP_NO_EMAIL = "no_email"
SKIP_NO_PHONE = "no_phone"
SKIP_INVALID = "invalid"

REFERENCES_KEPT = 10  # our earlier Message-IDs in References: enough for any mail program


def case_token(case: Case) -> str:
    return f"[#{case.number}]"


def subject_with_token(case: Case, subject: str) -> str:
    """`subject` with the case token at its end (once), within the outbox's 300 characters."""
    token = case_token(case)
    subject = " ".join((subject or "").split())
    if token in subject:
        return subject[:300]
    room = 300 - len(token) - 1
    return f"{subject[:room]} {token}".strip()


def attachment_refs(attachments: Sequence[Attachment]) -> list[dict]:
    return [
        {"name": a.original_name, "path": a.file.name, "content_type": a.content_type}
        for a in attachments
    ]


def _case_values(case: Case, **extra: str) -> dict[str, str]:
    return {
        "case_number": str(case.number),
        "case_title": case.title,
        "customer_name": case.customer.name if case.customer_id and case.customer else "",
        **extra,
    }


def _event_data(row: OutboundMessage, purpose: str, attachments: Sequence[dict] = ()) -> dict:
    return {
        "channel": row.channel,
        "to": row.to,
        "to_name": row.to_name,
        "subject": row.subject,
        "text": row.body_text,
        "purpose": purpose,
        "attachments": [a["name"] for a in attachments],
    }


def _references(org: Organization, case: Case) -> str:
    """Our earlier e-mails on this case (their Message-IDs), so mail programs thread them."""
    ids = CaseEvent.objects.filter(
        organization=org, case=case, kind=CaseEvent.Kind.MESSAGE_OUT
    ).values("outbound_message_id")
    found = (
        OutboundMessage.objects.filter(organization=org, pk__in=ids, channel=Channel.EMAIL)
        .exclude(message_id="")
        .order_by("-pk")
        .values_list("message_id", flat=True)[:REFERENCES_KEPT]
    )
    return " ".join(reversed(list(found)))


def _thread(org: Organization, case: Case) -> tuple[str, str]:
    """(In-Reply-To, References) of a new e-mail on the case: it answers the customer's latest
    e-mail when the received message's Message-ID is known (MESSAGE_IN data "message_id"),
    and names our earlier e-mails."""
    references = _references(org, case)
    latest_in = (
        CaseEvent.objects.filter(organization=org, case=case, kind=CaseEvent.Kind.MESSAGE_IN)
        .order_by("-created_at", "-pk")
        .values_list("data", flat=True)
        .first()
    )
    answered = str((latest_in or {}).get("message_id") or "").strip()
    if not (answered.startswith("<") and answered.endswith(">")) or len(answered) > 998:
        return "", references
    if answered not in references.split():
        references = f"{references} {answered}".strip()
    return answered, references


def _clean(channel: str, to: str, field: str) -> str:
    try:
        return clean_recipient(channel, to)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


@dataclass(frozen=True)
class Outgoing:
    """A message a caseworker writes on the case page."""

    text: str
    email: str = ""
    phone: str = ""
    name: str = ""
    subject: str = ""
    attachments: Sequence[Attachment] = ()


@transaction.atomic
def case_message_send(
    *,
    org: Organization,
    actor: User,
    case: Case,
    kind: str,
    message: Outgoing,
) -> list[CaseEvent]:
    """Send a reply to the customer (`kind` REPLY: to `email`, `phone` or both) or a forward to
    an external contact (FORWARD: e-mail only). One outbox row and one MESSAGE_OUT event per
    channel. The first reply to the customer sets the case's first-response time.

    ValidationErrors name the composer's fields: text, email, phone, attachments."""
    if case.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    if kind not in (Kind.REPLY, Kind.FORWARD):
        raise ValueError(f"not a case message kind: {kind}")
    text = (message.text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the message.")})
    email = (message.email or "").strip()
    phone = (message.phone or "").strip() if kind == Kind.REPLY else ""
    if not email and not phone:
        if kind == Kind.REPLY:
            raise ValidationError({"email": _("Give an e-mail address or a mobile number.")})
        raise ValidationError({"email": _("Give the e-mail address to forward to.")})
    errors: dict[str, list[str]] = {}
    recipients: list[tuple[str, str]] = []
    for channel, value, field in ((Channel.EMAIL, email, "email"), (Channel.SMS, phone, "phone")):
        if not value:
            continue
        try:
            recipients.append((channel, _clean(channel, value, field)))
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
    for attachment in message.attachments:
        if attachment.organization_id != org.pk or attachment.case_id != case.pk:
            errors.setdefault("attachments", []).append(_("Choose files that belong to this case."))
            break
    if errors:
        raise ValidationError(errors)

    language = language_for(org, None)
    values = _case_values(
        case, message=text, actor_name=actor.get_full_name() if actor else "", link=""
    )
    rendered = render(org=org, kind=kind, language=language, values=values)
    subject = subject_with_token(case, (message.subject or "").strip() or rendered.subject)
    files = attachment_refs(message.attachments)
    in_reply_to, references = _thread(org, case) if email else ("", "")
    items = [
        {
            "org": org,
            "channel": channel,
            "to": to,
            "to_name": message.name.strip(),
            "text": rendered.text,
            "subject": subject,
            "html": rendered.html,
            "kind": kind,
            "language": language,
            "attachments": files,
            "in_reply_to": in_reply_to,
            "references": references,
            "created_by": actor,
        }
        for channel, to in recipients
    ]
    rows = message_queue_many(items)
    events = [
        event_build(
            case=case,
            actor=actor,
            kind=CaseEvent.Kind.MESSAGE_OUT,
            outbound_message_id=row.pk,
            data=_event_data(row, kind, files if row.channel == Channel.EMAIL else ()),
        )
        for row in rows
    ]
    events_save(events)
    if kind == Kind.REPLY:
        first_response_mark(case)
    return events


def first_response_mark(case: Case) -> None:
    """The first message to the customer answers the case (the inbox's "Unanswered" ends)."""
    if case.first_response_at is not None:
        return
    now = timezone.now()
    case.first_response_at = now
    stopped = {name: getattr(case, name) for name in sla_first_response(case)}
    Case.objects.filter(pk=case.pk, first_response_at__isnull=True).update(
        first_response_at=now, updated_at=now, **stopped
    )


# --- Automatic notices --------------------------------------------------------------------


class _Templates:
    """template_for once per (kind, language), so bulk creation costs a fixed number of
    queries however many cases it opens."""

    def __init__(self, org: Organization) -> None:
        self.org = org
        self.cache: dict[tuple[str, str], tuple[str, str, str]] = {}

    def render(self, kind: str, values: dict[str, str]):
        language = language_for(self.org, None)
        key = (kind, language)
        if key not in self.cache:
            self.cache[key] = template_for(self.org, kind, language)
        return language, render(
            org=self.org, kind=kind, language=language, values=values, template=self.cache[key]
        )


def supplier_link(org: Organization) -> str:
    return settings.SITE_URL + reverse("cases:supplier_work", kwargs={"org_slug": org.slug})


def _recipient(case: Case, audience: str, channel: str) -> tuple[str, str, str]:
    """(address, name, skip reason) for one requested notice."""
    person = case.customer if audience == Request.Audience.CUSTOMER else case.supplier
    if person is None:
        missing = SKIP_NO_CUSTOMER if audience == Request.Audience.CUSTOMER else SKIP_NO_SUPPLIER
        return "", "", missing
    address = person.email if channel == Channel.EMAIL else person.phone
    if not address:
        return "", person.name, SKIP_NO_EMAIL if channel == Channel.EMAIL else SKIP_NO_PHONE
    try:
        return clean_recipient(channel, address), person.name, ""
    except ValidationError:
        return address, person.name, SKIP_INVALID


def skip_reason_text(code: str) -> str:
    """Why a notice was not sent, in the reader's language."""
    return {
        SKIP_NO_CUSTOMER: _("the case has no customer"),
        SKIP_NO_SUPPLIER: _("the case has no supplier"),
        SKIP_NO_EMAIL: _("there is no e-mail address on record"),
        SKIP_NO_PHONE: _("there is no mobile number on record"),
        SKIP_INVALID: _("the address on record is not valid"),
    }.get(code, code)


def message_outcome_texts(case: Case) -> list[tuple[str, bool]]:
    """What happened to the notices ticked when `case` was opened, as (sentence, queued)."""
    texts = []
    for audience, channel, skipped in getattr(case, "message_outcomes", []):
        who = _("the customer") if audience == Request.Audience.CUSTOMER else _("the supplier")
        how = _("SMS") if channel == Channel.SMS else _("e-mail")
        if not skipped:
            texts.append(
                (
                    _("The %(how)s to %(who)s is queued; the history shows when it is sent.")
                    % {"how": how, "who": who},
                    True,
                )
            )
        else:
            reason = skip_reason_text(skipped)
            texts.append(
                (
                    _("No %(how)s was sent to %(who)s: %(reason)s.")
                    % {"how": how, "who": who, "reason": reason},
                    False,
                )
            )
    return texts


def creation_notices(
    org: Organization,
    actor: User | None,
    cases: Sequence[Case],
    notify: Sequence[Sequence[tuple[str, str, str]]],
) -> tuple[list[CaseEvent], list[NotificationRequest]]:
    """The notices ticked when the cases were opened: customer → case_created, supplier →
    supplier_handover, by e-mail and/or SMS. Returns the events (MESSAGE_OUT for each queued
    row, NOTIFICATION with the reason for each skipped one) and the NotificationRequest rows
    (queued or skipped), unsaved, for the caller's bulk inserts. Sets `case.message_outcomes`
    to [(audience, channel, skip reason or "")] for the page that made the case."""
    templates = _Templates(org)
    planned: list[tuple[Case, str, str, dict]] = []  # (case, audience, channel, queue item)
    events: list[CaseEvent] = []
    requests: list[NotificationRequest] = []
    for case, wanted in zip(cases, notify, strict=True):
        case.message_outcomes = []
        seen = set()
        for audience, channel, reason in wanted:
            if (audience, channel) in seen:
                continue
            seen.add((audience, channel))
            to, name, skipped = _recipient(case, audience, channel)
            case.message_outcomes.append((audience, channel, skipped))
            requests.append(
                NotificationRequest(
                    organization=org,
                    case=case,
                    audience=audience,
                    channel=channel,
                    reason=reason,
                    status=Request.Status.SKIPPED if skipped else Request.Status.QUEUED,
                    requested_by=actor,
                )
            )
            if skipped:
                events.append(
                    event_build(
                        case=case,
                        actor=actor,
                        kind=CaseEvent.Kind.NOTIFICATION,
                        data={
                            "audience": audience,
                            "channel": channel,
                            "skipped": skipped,
                            "to": to,
                        },
                    )
                )
                continue
            if audience == Request.Audience.CUSTOMER:
                kind = Kind.CASE_CREATED
                language, rendered = templates.render(kind, _case_values(case, link=""))
            else:
                kind = Kind.SUPPLIER_HANDOVER
                values = _case_values(
                    case,
                    supplier_name=case.supplier.name,
                    message=case.description,
                    link=supplier_link(org),
                )
                language, rendered = templates.render(kind, values)
            item = {
                "org": org,
                "channel": channel,
                "to": to,
                "to_name": name,
                "text": rendered.text,
                "subject": subject_with_token(case, rendered.subject),
                "html": rendered.html,
                "kind": kind,
                "language": language,
                "automatic": True,
                "created_by": actor,
            }
            planned.append((case, audience, channel, item))
    rows = message_queue_many([item for *_rest, item in planned])
    for (case, _audience, _channel, item), row in zip(planned, rows, strict=True):
        events.append(
            event_build(
                case=case,
                actor=actor,
                kind=CaseEvent.Kind.MESSAGE_OUT,
                outbound_message_id=row.pk,
                data=_event_data(row, item["kind"]),
            )
        )
    return events, requests


# How a customer asked to be notified ("email", "sms" or "" for no preference), as an app above
# cases knows it: the portal registers its residents' choice (portal/apps.py).
def _no_preference(customer: Customer) -> str:
    return ""


_channel_preference: Callable[[Customer], str] = _no_preference


def channel_preference_register(reader: Callable[[Customer], str]) -> None:
    global _channel_preference
    _channel_preference = reader


def resolution_notice(*, org: Organization, actor: User | None, case: Case) -> list[CaseEvent]:
    """Tell the customer the case is resolved, with the resolution: by e-mail, else by SMS; by
    SMS first when the customer chose SMS (and has a number). Raises a ValidationError (field
    notify_customer) when there is no way to reach them."""
    customer = case.customer if case.customer_id else None
    channel, address = "", ""
    if customer is not None and customer.phone and _channel_preference(customer) == Channel.SMS:
        channel, address = Channel.SMS, customer.phone
    elif customer is not None and customer.email:
        channel, address = Channel.EMAIL, customer.email
    elif customer is not None and customer.phone:
        channel, address = Channel.SMS, customer.phone
    if not channel:
        raise ValidationError(
            {"notify_customer": _("The customer has no e-mail address or mobile number.")}
        )
    to = _clean(channel, address, "notify_customer")
    language = language_for(org, None)
    rendered = render(
        org=org,
        kind=Kind.CASE_RESOLVED,
        language=language,
        values=_case_values(case, resolution=case.resolution, link=""),
    )
    rows = message_queue_many(
        [
            {
                "org": org,
                "channel": channel,
                "to": to,
                "to_name": customer.name,
                "text": rendered.text,
                "subject": subject_with_token(case, rendered.subject),
                "html": rendered.html,
                "kind": Kind.CASE_RESOLVED,
                "language": language,
                "references": _references(org, case) if channel == Channel.EMAIL else "",
                "automatic": True,
                "created_by": actor,
            }
        ]
    )
    events = [
        event_build(
            case=case,
            actor=actor,
            kind=CaseEvent.Kind.MESSAGE_OUT,
            outbound_message_id=row.pk,
            data=_event_data(row, Kind.CASE_RESOLVED),
        )
        for row in rows
    ]
    events_save(events)
    return events


@transaction.atomic
def case_message_retry(
    *, org: Organization, actor: User, case: Case, outbound_message_id: int
) -> CaseEvent:
    """ "Send again" for a failed message of this case; returns its event. The message must be
    one this case sent (404-worthy otherwise: the caller fetched the event)."""
    event = (
        CaseEvent.objects.filter(
            organization=org,
            case=case,
            kind=CaseEvent.Kind.MESSAGE_OUT,
            outbound_message_id=outbound_message_id,
        )
        .order_by("pk")
        .first()
    )
    message = OutboundMessage.objects.filter(organization=org, pk=outbound_message_id).first()
    if event is None or message is None:
        raise OutboundMessage.DoesNotExist
    message_retry(org=org, actor=actor, message=message)
    return event
