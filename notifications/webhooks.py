"""Delivery reports from providers: anymail tracking webhooks (e-mail) and Twilio status
callbacks (SMS). Mounted under /hooks/ (config/urls.py), outside /<org>/: a report names a
provider message id, never an organization, and can only move the one row with that id forward
(`message_status_update`).

- E-mail: anymail's own tracking views parse each ESP's payload and send anymail's `tracking`
  signal; ours are subclasses that *require* `ANYMAIL["WEBHOOK_SECRET"]` (HTTP basic auth; the
  ESP's signature as well where anymail checks one, e.g. Mailgun). No secret configured, a wrong
  one, or a bad signature: 403. A body the ESP parser cannot read: 400. The receiver only acts
  on events from these views, so an unguarded anymail view mounted elsewhere changes nothing.
- SMS: Twilio signs each callback (`X-Twilio-Signature`) with the account's auth token over the
  public URL it called (settings.SITE_URL + path) and the form fields; twilio's
  `RequestValidator` checks it. No token, no or a wrong signature: 403.

Every authenticated report answers 2xx whatever it names (unknown ids, unknown statuses), so
providers do not retry it forever and the answer says nothing about which rows exist.
"""

from __future__ import annotations

import logging

from anymail.exceptions import AnymailConfigurationError, AnymailWebhookValidationFailure
from anymail.signals import tracking
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from anymail.webhooks.sendgrid import SendGridTrackingWebhookView
from django.conf import settings
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifications.models import OutboundMessage
from notifications.outbox import message_status_update
from organizations.tenancy import all_organizations

# An authenticated provider names a message by its own id, which is unique across
# organizations; the report only moves that row's status forward.
PROVIDER_REPORT = "a delivery report names its message by the provider's id"

logger = logging.getLogger(__name__)

Status = OutboundMessage.Status

# anymail's normalised event types → our statuses. Opens, clicks, complaints and
# auto-replies prove the message arrived. deferred (a temporary delay), unsubscribed,
# subscribed and unknown say nothing about delivery and are ignored.
ANYMAIL_STATUS = {
    "queued": Status.QUEUED,
    "sent": Status.SENT,
    "delivered": Status.DELIVERED,
    "opened": Status.DELIVERED,
    "clicked": Status.DELIVERED,
    "complained": Status.DELIVERED,
    "autoresponded": Status.DELIVERED,
    "bounced": Status.BOUNCED,
    "rejected": Status.FAILED,
    "failed": Status.FAILED,
}

# Twilio's MessageStatus → ours. "undelivered" (the carrier could not deliver) is the SMS
# bounce; "failed" (Twilio could not send) and "canceled" (a scheduled message) are failures.
TWILIO_STATUS = {
    "accepted": Status.QUEUED,
    "scheduled": Status.QUEUED,
    "queued": Status.QUEUED,
    "sending": Status.SENDING,
    "sent": Status.SENT,
    "delivered": Status.DELIVERED,
    "read": Status.DELIVERED,
    "undelivered": Status.BOUNCED,
    "failed": Status.FAILED,
    "canceled": Status.FAILED,
}


# --- E-mail: anymail -------------------------------------------------------------------------


class GuardedTracking:
    """Mixin for an anymail tracking view: refuse (403) unless the webhook secret is configured
    and the request carries it; 400 instead of a 500 for a body the ESP parser cannot read."""

    warn_if_no_basic_auth = False  # we refuse instead of warning

    def __init__(self, **kwargs):
        self.refusal = ""
        try:
            super().__init__(**kwargs)
        except AnymailConfigurationError as exc:  # e.g. Mailgun without a signing key
            self.refusal = str(exc)
        else:
            if not self.basic_auth:
                self.refusal = "ANYMAIL['WEBHOOK_SECRET'] is not set"

    def post(self, request, *args, **kwargs):
        if self.refusal:
            logger.warning("webhook %s refused: %s", self.esp_name, self.refusal)
            return HttpResponseForbidden()
        try:
            self.run_validators(request)
        except AnymailWebhookValidationFailure:
            logger.warning("webhook %s: forged or unauthenticated request", self.esp_name)
            return HttpResponseForbidden()
        try:
            events = list(self.parse_events(request))
        except Exception:  # garbage from an authenticated sender: say so, don't 500
            logger.warning("webhook %s: unreadable body", self.esp_name, exc_info=True)
            return HttpResponseBadRequest()
        for event in events:
            self.signal.send(sender=type(self), event=event, esp_name=self.esp_name)
        return HttpResponse()


class PostmarkTracking(GuardedTracking, PostmarkTrackingWebhookView):
    pass


class SendGridTracking(GuardedTracking, SendGridTrackingWebhookView):
    pass


class MailgunTracking(GuardedTracking, MailgunTrackingWebhookView):
    pass


def _event_error(event) -> str:
    parts = [event.reject_reason or "", event.description or "", event.mta_response or ""]
    return " ".join(str(part) for part in parts if part)[:1000]


@receiver(tracking, dispatch_uid="notifications.webhooks.on_tracking")
def on_tracking(sender, event, esp_name, **kwargs) -> None:
    if not (isinstance(sender, type) and issubclass(sender, GuardedTracking)):
        return  # not one of our authenticated views
    status = ANYMAIL_STATUS.get(getattr(event, "event_type", None) or "")
    provider_id = getattr(event, "message_id", None)
    if status is None or not provider_id or not isinstance(provider_id, str | int):
        return
    error = _event_error(event) if status in (Status.BOUNCED, Status.FAILED) else ""
    with all_organizations(PROVIDER_REPORT):
        message_status_update(
            channel=OutboundMessage.Channel.EMAIL,
            provider_message_id=str(provider_id)[:255],
            status=status,
            error=error,
        )


# --- SMS: Twilio ----------------------------------------------------------------------------


def twilio_signature_ok(request) -> bool:
    from twilio.request_validator import RequestValidator

    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    url = settings.SITE_URL.rstrip("/") + request.get_full_path()
    return RequestValidator(token).validate(url, request.POST, signature)


@csrf_exempt
@require_POST
def twilio_status(request):
    """Twilio's status callback for one SMS: MessageSid, MessageStatus, ErrorCode."""
    try:
        authentic = twilio_signature_ok(request)
    except Exception:  # an unreadable body (bad multipart, bad encoding)
        logger.warning("twilio status: unreadable request", exc_info=True)
        return HttpResponseForbidden()
    if not authentic:
        logger.warning("twilio status: missing or wrong X-Twilio-Signature")
        return HttpResponseForbidden()
    sid = request.POST.get("MessageSid") or request.POST.get("SmsSid") or ""
    reported = request.POST.get("MessageStatus") or request.POST.get("SmsStatus") or ""
    status = TWILIO_STATUS.get(reported.strip().lower())
    if sid and status:
        code = request.POST.get("ErrorCode") or ""
        error = (
            f"Twilio {reported} {code}".strip() if status in (Status.BOUNCED, Status.FAILED) else ""
        )
        with all_organizations(PROVIDER_REPORT):
            message_status_update(
                channel=OutboundMessage.Channel.SMS,
                provider_message_id=sid[:255],
                status=status,
                error=error,
            )
    return HttpResponse(status=204)


app_name = "hooks"
urlpatterns = [
    path("twilio/status/", twilio_status, name="twilio_status"),
    path(
        "anymail/postmark/tracking/",
        PostmarkTracking.as_view(),
        name="postmark_tracking",
    ),
    path(
        "anymail/sendgrid/tracking/",
        SendGridTracking.as_view(),
        name="sendgrid_tracking",
    ),
    path(
        "anymail/mailgun/tracking/",
        MailgunTracking.as_view(),
        name="mailgun_tracking",
    ),
]
