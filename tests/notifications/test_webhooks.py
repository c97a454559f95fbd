"""Delivery reports: anymail tracking webhooks and Twilio status callbacks. Authenticated or 403;
forward only; one row per provider id (no other row, no other organization); never a 500."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from django.test import Client
from twilio.request_validator import RequestValidator

from notifications.models import OutboundMessage
from notifications.outbox import message_queue

Status = OutboundMessage.Status

SECRET = "hookuser:hook-password"
MAILGUN_KEY = "mailgun-signing-key"
TWILIO_TOKEN = "twilio-auth-token"
SITE = "https://saksflyt.example"
POSTMARK = "/hooks/anymail/postmark/tracking/"
MAILGUN = "/hooks/anymail/mailgun/tracking/"
SENDGRID = "/hooks/anymail/sendgrid/tracking/"
TWILIO = "/hooks/twilio/status/"


@pytest.fixture(autouse=True)
def _hook_settings(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.SITE_URL = SITE


def _row(org, channel, provider_id, status=Status.SENT):
    """A row the worker has sent (no worker here: tests set the outcome)."""
    msg = message_queue(
        org=org,
        channel=channel,
        to="kari@example.no" if channel == "email" else "+4791234567",
        subject="Hei",
        text="Tekst",
    )
    OutboundMessage.objects.filter(pk=msg.pk).update(
        status=status, provider_message_id=provider_id, attempts=1
    )
    msg.refresh_from_db()
    return msg


def _status(msg):
    msg.refresh_from_db()
    return msg.status


def _basic(auth=SECRET):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(auth.encode()).decode()}


def _postmark(client, record_type, message_id, auth=SECRET, **extra):
    body = {"RecordType": record_type, "MessageID": message_id, "Recipient": "kari@example.no"}
    body.update(extra)
    headers = _basic(auth) if auth else {}
    return client.post(POSTMARK, json.dumps(body), content_type="application/json", **headers)


# --- anymail (e-mail) ---------------------------------------------------------------------------


def test_postmark_delivery_and_bounce_move_the_row_forward(tenant, client):
    msg = _row(tenant.org, "email", "pm-1")
    assert _postmark(client, "Delivery", "pm-1").status_code == 200
    assert _status(msg) == Status.DELIVERED
    # The same report again, and a late "sent"-ish open, change nothing backwards.
    assert _postmark(client, "Delivery", "pm-1").status_code == 200
    assert _postmark(client, "Open", "pm-1").status_code == 200
    assert _status(msg) == Status.DELIVERED
    # An asynchronous bounce after delivery is news, with the reason.
    resp = _postmark(
        client, "Bounce", "pm-1", Type="HardBounce", Description="Mailbox unknown", ID=42
    )
    assert resp.status_code == 200
    msg.refresh_from_db()
    assert msg.status == Status.BOUNCED and "Mailbox unknown" in msg.last_error
    # ...and after a final status nothing moves it.
    _postmark(client, "Delivery", "pm-1")
    assert _status(msg) == Status.BOUNCED


def test_out_of_order_reports_end_at_the_furthest_status(tenant, client):
    msg = _row(tenant.org, "email", "pm-2", status=Status.SENDING)
    _postmark(client, "Delivery", "pm-2")
    _postmark(client, "Delivery", "pm-2")
    assert _status(msg) == Status.DELIVERED


@pytest.mark.parametrize(
    "auth", [None, "hookuser:wrong", "someone:hook-password", "", "hookuser"], ids=repr
)
def test_forged_anymail_reports_get_403_and_change_nothing(tenant, client, auth):
    msg = _row(tenant.org, "email", "pm-3")
    headers = _basic(auth) if auth is not None else {}
    body = json.dumps({"RecordType": "Bounce", "Type": "HardBounce", "MessageID": "pm-3"})
    resp = client.post(POSTMARK, body, content_type="application/json", **headers)
    assert resp.status_code == 403
    assert _status(msg) == Status.SENT


def test_without_a_configured_secret_every_report_is_refused(tenant, client, settings):
    settings.ANYMAIL = {}
    msg = _row(tenant.org, "email", "pm-4")
    assert _postmark(client, "Bounce", "pm-4", Type="HardBounce").status_code == 403
    assert _postmark(client, "Bounce", "pm-4", auth=None, Type="HardBounce").status_code == 403
    assert _status(msg) == Status.SENT


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("", "application/json"),
        ("not json", "application/json"),
        ("[1, 2]", "application/json"),
        ('{"RecordType": "Delivery"}', "text/plain"),
        ("\xff\xfe", "application/octet-stream"),
        ("a=b&c=d", "application/x-www-form-urlencoded"),
        ('{"RecordType": "Bounce", "Type": "HardBounce", "MessageID": ["x"]}', "application/json"),
    ],
)
def test_garbage_from_an_authenticated_sender_is_400_or_ignored_never_500(
    tenant, client, body, content_type
):
    msg = _row(tenant.org, "email", "pm-5")
    resp = client.post(POSTMARK, body, content_type=content_type, **_basic())
    assert resp.status_code in (200, 400)
    assert _status(msg) == Status.SENT


def test_get_and_head(client, db):
    assert client.get(POSTMARK, **_basic()).status_code == 405
    assert client.head(POSTMARK).status_code == 200  # some ESPs check the URL with HEAD


def test_unknown_ids_and_other_channels_change_nothing(tenant, client):
    email = _row(tenant.org, "email", "shared-id")
    sms = _row(tenant.org, "sms", "SMshared")
    assert _postmark(client, "Bounce", "unknown", Type="HardBounce").status_code == 200
    # An e-mail report naming an SMS's provider id does not touch the SMS.
    assert _postmark(client, "Bounce", "SMshared", Type="HardBounce").status_code == 200
    assert _status(email) == Status.SENT and _status(sms) == Status.SENT


def test_a_report_touches_only_the_row_with_that_provider_id(tenant, other_tenant, client):
    mine = _row(tenant.org, "email", "pm-mine")
    theirs = _row(other_tenant.org, "email", "pm-theirs")
    resp = _postmark(client, "Bounce", "pm-theirs", Type="HardBounce")
    assert resp.status_code == 200 and resp.content == b""  # says nothing about the row
    assert _status(mine) == Status.SENT
    assert _status(theirs) == Status.BOUNCED


def _mailgun_body(event, message_id, key=MAILGUN_KEY):
    timestamp, token = str(int(time.time())), "tok-" + message_id
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return json.dumps(
        {
            "signature": {"timestamp": timestamp, "token": token, "signature": signature},
            "event-data": {
                "event": event,
                "timestamp": time.time(),
                "recipient": "kari@example.no",
                "severity": "permanent",
                "reason": "bounce",
                "delivery-status": {"description": "No such mailbox", "message": "550 5.1.1"},
                "message": {"headers": {"message-id": message_id}},
            },
        }
    )


def test_mailgun_needs_basic_auth_and_its_signature(tenant, client):
    msg = _row(tenant.org, "email", "<mg-1@mg.example>")
    forged = _mailgun_body("failed", "mg-1@mg.example", key="guess")
    resp = client.post(MAILGUN, forged, content_type="application/json", **_basic())
    assert resp.status_code == 403
    signed = _mailgun_body("failed", "mg-1@mg.example")
    assert client.post(MAILGUN, signed, content_type="application/json").status_code == 403
    assert _status(msg) == Status.SENT

    resp = client.post(MAILGUN, signed, content_type="application/json", **_basic())
    assert resp.status_code == 200
    msg.refresh_from_db()
    assert msg.status == Status.BOUNCED and "550 5.1.1" in msg.last_error


def test_mailgun_without_a_signing_key_is_refused_not_500(tenant, client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    body = _mailgun_body("delivered", "mg-2@mg.example")
    assert (
        client.post(MAILGUN, body, content_type="application/json", **_basic()).status_code == 403
    )


@pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning")
def test_sendgrid_batch_updates_each_named_row(tenant, client):
    delivered = _row(tenant.org, "email", "sg-1")
    dropped = _row(tenant.org, "email", "sg-2")
    events = [
        {"event": "delivered", "anymail_id": "sg-1", "email": "kari@example.no"},
        {"event": "dropped", "anymail_id": "sg-2", "reason": "Invalid", "email": "x@y.no"},
        {"event": "deferred", "anymail_id": "sg-1", "email": "kari@example.no"},
    ]
    resp = client.post(SENDGRID, json.dumps(events), content_type="application/json", **_basic())
    assert resp.status_code == 200
    assert _status(delivered) == Status.DELIVERED
    assert _status(dropped) == Status.FAILED


def test_events_from_an_unguarded_anymail_view_are_ignored(tenant):
    """Should anymail's own (unauthenticated) URLs be mounted somewhere, their events do not
    move our rows: only our guarded views count."""
    msg = _row(tenant.org, "email", "pm-6")
    event = AnymailTrackingEvent(event_type="bounced", message_id="pm-6")
    tracking.send(sender=PostmarkTrackingWebhookView, event=event, esp_name="Postmark")
    assert _status(msg) == Status.SENT


# --- Twilio (SMS) -------------------------------------------------------------------------------


def _twilio(client, params, *, url=SITE + TWILIO, token=TWILIO_TOKEN, signature=None):
    if signature is None:
        signature = RequestValidator(token).compute_signature(url, params)
    return client.post(TWILIO, params, HTTP_X_TWILIO_SIGNATURE=signature)


def test_twilio_callbacks_move_the_row_forward_only(tenant, client):
    msg = _row(tenant.org, "sms", "SM1")
    assert _twilio(client, {"MessageSid": "SM1", "MessageStatus": "delivered"}).status_code == 204
    assert _status(msg) == Status.DELIVERED
    # "sent" arriving after "delivered", and "delivered" twice: still delivered.
    _twilio(client, {"MessageSid": "SM1", "MessageStatus": "sent"})
    _twilio(client, {"MessageSid": "SM1", "MessageStatus": "delivered"})
    assert _status(msg) == Status.DELIVERED


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ("queued", Status.SENT),  # behind what we know: no change
        ("sending", Status.SENT),
        ("sent", Status.SENT),
        ("delivered", Status.DELIVERED),
        ("read", Status.DELIVERED),
        ("undelivered", Status.BOUNCED),
        ("failed", Status.FAILED),
        ("something-new", Status.SENT),
    ],
)
def test_twilio_status_mapping(tenant, client, reported, expected):
    msg = _row(tenant.org, "sms", "SM2")
    params = {"MessageSid": "SM2", "MessageStatus": reported, "ErrorCode": "30005"}
    assert _twilio(client, params).status_code == 204
    msg.refresh_from_db()
    assert msg.status == expected
    if expected in (Status.BOUNCED, Status.FAILED):
        assert "30005" in msg.last_error


def test_a_sending_row_moves_to_sent_then_delivered(tenant, client):
    msg = _row(tenant.org, "sms", "SM3", status=Status.SENDING)
    _twilio(client, {"MessageSid": "SM3", "MessageStatus": "sent"})
    assert _status(msg) == Status.SENT
    _twilio(client, {"MessageSid": "SM3", "MessageStatus": "delivered"})
    assert _status(msg) == Status.DELIVERED


@pytest.mark.parametrize(
    "forge",
    ["no signature", "wrong token", "other url", "garbage signature", "tampered"],
)
def test_forged_twilio_callbacks_get_403(tenant, client, forge):
    msg = _row(tenant.org, "sms", "SM4")
    params = {"MessageSid": "SM4", "MessageStatus": "failed"}
    if forge == "no signature":
        resp = client.post(TWILIO, params)
    elif forge == "wrong token":
        resp = _twilio(client, params, token="guess")
    elif forge == "other url":  # signed for someone else's endpoint
        resp = _twilio(client, params, url="https://evil.example" + TWILIO)
    elif forge == "garbage signature":
        resp = _twilio(client, params, signature="!!!")
    else:  # signed for SM-other, sent for SM4
        sig = RequestValidator(TWILIO_TOKEN).compute_signature(
            SITE + TWILIO, {"MessageSid": "SM-other", "MessageStatus": "failed"}
        )
        resp = client.post(TWILIO, params, HTTP_X_TWILIO_SIGNATURE=sig)
    assert resp.status_code == 403
    assert _status(msg) == Status.SENT


def test_twilio_without_an_auth_token_refuses_everything(tenant, client, settings):
    msg = _row(tenant.org, "sms", "SM5")
    settings.TWILIO_AUTH_TOKEN = ""
    params = {"MessageSid": "SM5", "MessageStatus": "failed"}
    assert _twilio(client, params, token="").status_code == 403
    assert _status(msg) == Status.SENT


def test_twilio_garbage_is_never_a_500(tenant, client):
    msg = _row(tenant.org, "sms", "SM6")
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(SITE + TWILIO, {})
    # Signed, but empty or not a form: nothing to apply.
    assert client.post(TWILIO, HTTP_X_TWILIO_SIGNATURE=signature).status_code == 204
    for body, ctype in [
        ("", "application/json"),
        ('{"MessageSid": "SM6", "MessageStatus": "failed"}', "application/json"),
        ("\xff\xfe", "text/plain"),
        ("--x\r\nbroken", "multipart/form-data; boundary=x"),
        ("--x\r\nbroken", "multipart/form-data"),
    ]:
        resp = client.post(TWILIO, body, content_type=ctype, HTTP_X_TWILIO_SIGNATURE=signature)
        assert resp.status_code in (204, 400, 403), (body, ctype, resp.status_code)
    # Unknown sid, missing fields.
    assert _twilio(client, {"MessageSid": "SM-nope", "MessageStatus": "failed"}).status_code == 204
    assert _twilio(client, {"MessageStatus": "failed"}).status_code == 204
    assert _twilio(client, {"MessageSid": "SM6"}).status_code == 204
    assert client.get(TWILIO).status_code == 405
    assert _status(msg) == Status.SENT


def test_a_twilio_callback_touches_only_its_sms(tenant, other_tenant, client):
    mine = _row(tenant.org, "sms", "SM-mine")
    theirs = _row(other_tenant.org, "sms", "SM-theirs")
    email = _row(tenant.org, "email", "SM-theirs")  # same id on another channel
    resp = _twilio(client, {"MessageSid": "SM-theirs", "MessageStatus": "undelivered"})
    assert resp.status_code == 204 and resp.content == b""
    assert _status(theirs) == Status.BOUNCED
    assert _status(mine) == Status.SENT and _status(email) == Status.SENT


def test_hooks_need_no_session_and_no_csrf(tenant):
    sms = _row(tenant.org, "sms", "SM7")
    email = _row(tenant.org, "email", "pm-7")
    client = Client(enforce_csrf_checks=True)
    assert _twilio(client, {"MessageSid": "SM7", "MessageStatus": "delivered"}).status_code == 204
    assert _postmark(client, "Delivery", "pm-7").status_code == 200
    assert _status(sms) == Status.DELIVERED and _status(email) == Status.DELIVERED
