"""The inbound e-mail webhook: an ESP (through Anymail's inbound views) posts each message here.

The request only authenticates (Anymail's basic auth, plus Mailgun's signature), finds the
organization from the recipients, stores the raw message in this request's transaction and
answers 200; parsing and everything after it happen in the worker. A request that fails
authentication gets 403; an ESP not configured here 404 — nothing is stored for either.
"""

from __future__ import annotations

import json
import logging
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from anymail.webhooks.sendgrid import SendGridInboundWebhookView
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models.functions import Lower
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
)
from django.views.decorators.csrf import csrf_exempt

from inquiries.email.store import inbound_store
from inquiries.models import InboundEmail
from notifications.models import ReceivingAddress
from organizations.tenancy import all_organizations, organization_scope

logger = logging.getLogger(__name__)

INBOUND_VIEWS = {
    "mailgun": MailgunInboundWebhookView,
    "postmark": PostmarkInboundWebhookView,
    "sendgrid": SendGridInboundWebhookView,
}
_HEADERS = BytesHeaderParser(policy=compat32)
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")


def recipients_of(raw: bytes, envelope: str = "") -> list[str]:
    """Every address the message was sent to (envelope first), lower-cased, with the
    `+tag` of plus-addressing also tried without it."""
    try:
        headers = _HEADERS.parsebytes(raw[:65536])
        values = [str(v) for name in RECIPIENT_HEADERS for v in headers.get_all(name) or []]
    except Exception:
        values = []
    found: list[str] = []
    for _name, address in getaddresses([envelope or "", *values]):
        address = address.strip().lower()
        if "@" not in address:
            continue
        found.append(address)
        local, _at, domain = address.rpartition("@")
        if "+" in local:
            found.append(f"{local.split('+', 1)[0]}@{domain}")
    return list(dict.fromkeys(found))


def organizations_for(addresses: list[str]) -> list[int]:
    if not addresses:
        return []
    with all_organizations("a received e-mail's addresses say which organization it is for"):
        return sorted(
            set(
                ReceivingAddress.objects.annotate(lower=Lower("address"))
                .filter(lower__in=addresses)
                .values_list("organization_id", flat=True)
            )
        )


def _raw_messages(esp: str, request: HttpRequest, view) -> list[tuple[bytes, str]]:
    """(raw bytes, envelope recipient) per message: the MIME the ESP sent when it sent it
    (nothing is parsed here then: that is the worker's job), else the message Anymail
    rebuilt from the ESP's fields."""
    if esp == "mailgun" and "body-mime" in request.POST:
        envelope = request.POST.get("recipient", "")
        return [(request.POST["body-mime"].encode("utf-8", "surrogateescape"), envelope)]
    if esp == "sendgrid" and "email" in request.POST:
        return [(request.POST["email"].encode("utf-8", "surrogateescape"), "")]
    if esp == "postmark":
        try:
            payload = json.loads(request.body)
        except ValueError:
            payload = {}
        if isinstance(payload, dict) and payload.get("RawEmail"):
            envelope = payload.get("OriginalRecipient") or ""
            return [(str(payload["RawEmail"]).encode("utf-8", "surrogateescape"), envelope)]
    messages = []
    for event in view.parse_events(request):
        message = event.message
        messages.append((message.as_bytes(), message.envelope_recipient or ""))
    return messages


@csrf_exempt
def inbound_webhook(request: HttpRequest, esp: str) -> HttpResponse:
    view_class = INBOUND_VIEWS.get(esp)
    if view_class is None:
        return HttpResponse(status=404)
    if request.method == "HEAD":  # some ESPs check the URL when it is configured
        return HttpResponse()
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST", "HEAD"])
    try:
        view = view_class()
    except ImproperlyConfigured:
        logger.warning("inbound webhook %s called but not configured", esp)
        return HttpResponseForbidden("Not configured.")
    if not view.basic_auth:  # never accept mail from anyone on the web
        return HttpResponseForbidden("Not configured.")
    try:
        view.run_validators(request)
    except AnymailWebhookValidationFailure:
        return HttpResponseForbidden("Authentication failed.")
    try:
        messages = _raw_messages(esp, request, view)
    except Exception as exc:
        logger.warning("inbound webhook %s: unreadable post: %s", esp, exc)
        return HttpResponseBadRequest("Unreadable payload.")
    stored = 0
    with transaction.atomic():
        for raw, envelope in messages:
            org_ids = organizations_for(recipients_of(raw, envelope))
            if not org_ids:
                logger.warning("inbound webhook %s: no organization receives %s", esp, envelope)
            for org_id in org_ids:
                with organization_scope(org_id):
                    inbound_store(org=_Org(org_id), raw=raw, source=InboundEmail.Source.WEBHOOK)
                stored += 1
    return HttpResponse(f"stored {stored}", content_type="text/plain")


class _Org:
    """Just the id `inbound_store` needs, without reading the organization row."""

    def __init__(self, pk: int) -> None:
        self.pk = pk
