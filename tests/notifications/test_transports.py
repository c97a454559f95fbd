"""Transports: Twilio through a fake of its HTTP edge (twilio.http.HttpClient), anymail through
its test backend. Each provider answer maps to sent (with the provider's id), a permanent
failure, or a temporary one the outbox retries."""

from __future__ import annotations

import json
import logging

import pytest
import requests
from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from anymail.message import AnymailRecipientStatus
from django.core import mail
from twilio.http import HttpClient
from twilio.http.response import Response

from notifications import transports
from notifications.models import OutboundMessage
from notifications.outbox import message_queue
from notifications.transports import SendError, Sms, TwilioSmsBackend

Status = OutboundMessage.Status


class FakeTwilioHttp(HttpClient):
    """Twilio's HTTP edge: records each request and answers with the next canned response
    (status, JSON body) or raises it when it is an exception."""

    def __init__(self, *answers):
        super().__init__(logger=logging.getLogger("fake-twilio"), is_async=False)
        self.answers = list(answers)
        self.requests: list[dict] = []

    def request(
        self,
        method,
        uri,
        params=None,
        data=None,
        headers=None,
        auth=None,
        timeout=None,
        allow_redirects=False,
    ):
        self.requests.append({"method": method, "uri": uri, "data": data, "auth": auth})
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        status, body = answer
        return Response(status, json.dumps(body))


def created(sid="SM0123456789abcdef0123456789abcdef"):
    return 201, {"sid": sid, "status": "queued", "to": "+4791234567", "body": "Hei"}


def error(status, code, text="error"):
    return status, {"code": code, "message": text, "more_info": "", "status": status}


@pytest.fixture
def twilio(settings, monkeypatch):
    settings.TWILIO_ACCOUNT_SID = "AC" + "0" * 32
    settings.TWILIO_AUTH_TOKEN = "token"
    settings.TWILIO_FROM_NUMBER = "+4790000000"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.SITE_URL = "https://saksflyt.example"

    def make(*answers):
        http = FakeTwilioHttp(*answers)
        monkeypatch.setattr(transports, "_sms_backend", TwilioSmsBackend(http_client=http))
        monkeypatch.setattr(transports, "_sms_backend_path", settings.SMS_BACKEND)
        return http

    return make


SMS = Sms(to="+4791234567", body="Hei", reference="1")


def test_twilio_success_returns_the_sid_and_asks_for_status_callbacks(twilio):
    http = twilio(created("SMabc"))
    assert transports.sms_backend().send(SMS) == "SMabc"
    (req,) = http.requests
    assert req["method"] == "POST"
    assert req["uri"].endswith("/Accounts/AC" + "0" * 32 + "/Messages.json")
    assert req["auth"] == ("AC" + "0" * 32, "token")
    assert req["data"]["To"] == "+4791234567" and req["data"]["Body"] == "Hei"
    assert req["data"]["From"] == "+4790000000"
    assert req["data"]["StatusCallback"] == "https://saksflyt.example/hooks/twilio/status/"


def test_the_real_twilio_client_has_a_timeout_shorter_than_the_lease(twilio, settings):
    backend = TwilioSmsBackend()
    assert backend.client.http_client.timeout == transports.TWILIO_TIMEOUT_SECONDS
    assert transports.TWILIO_TIMEOUT_SECONDS * 2 <= settings.OUTBOX_LEASE_SECONDS


def test_twilio_messaging_service_instead_of_a_number(twilio, settings):
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG123"
    http = twilio(created())
    transports.sms_backend().send(SMS)
    assert http.requests[0]["data"]["MessagingServiceSid"] == "MG123"
    assert "From" not in http.requests[0]["data"]


@pytest.mark.parametrize(
    ("answer", "permanent"),
    [
        (error(400, 21211, "The 'To' number is not a valid phone number."), True),
        (error(400, 21610, "Attempt to send to unsubscribed recipient"), True),
        (error(404, 20404), True),
        (error(500, 20500, "Internal Server Error"), False),
        (error(503, 20503), False),
        (error(429, 20429, "Too Many Requests"), False),
        (error(401, 20003, "Authenticate"), False),
        (requests.ConnectionError("connection reset"), False),
        (TimeoutError("read timed out"), False),
    ],
)
def test_twilio_errors_are_permanent_or_temporary(twilio, answer, permanent):
    twilio(answer)
    with pytest.raises(SendError) as caught:
        transports.sms_backend().send(SMS)
    assert caught.value.permanent is permanent


def test_twilio_through_the_outbox(tenant, twilio, django_capture_on_commit_callbacks, settings):
    settings.SMS_BACKEND = "notifications.transports.TwilioSmsBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    twilio(created("SMok"), error(400, 21211, "invalid To"), error(500, 20500, "oops"))
    with django_capture_on_commit_callbacks(execute=True):
        ok = message_queue(org=tenant.org, channel="sms", to="91234567", text="a")
        bad = message_queue(org=tenant.org, channel="sms", to="91234568", text="b")
        later = message_queue(org=tenant.org, channel="sms", to="91234569", text="c")
    for row in (ok, bad, later):
        row.refresh_from_db()
    assert ok.status == Status.SENT and ok.provider_message_id == "SMok"
    assert bad.status == Status.FAILED and "21211" in bad.last_error and bad.attempts == 1
    assert later.status == Status.QUEUED and "500" in later.last_error and later.attempts == 1


# --- anymail ----------------------------------------------------------------------------------


class ScriptedAnymail(AnymailTestBackend):
    """anymail's test backend, answering with `answer` (an AnymailRecipientStatus, or an
    anymail error to raise) when one is set."""

    answer = None

    def post_to_esp(self, payload, message):
        if isinstance(type(self).answer, Exception):
            raise type(self).answer
        if type(self).answer is not None:
            message.anymail_test_response = type(self).answer
        return super().post_to_esp(payload, message)


def _http_response(status):
    response = requests.Response()
    response.status_code, response.reason = status, "reason"
    response._content = b'{"message": "nope"}'
    return response


def api_error(status):
    return AnymailAPIError("ESP said no", status_code=status, response=_http_response(status))


@pytest.fixture
def anymail_backend(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_transports.ScriptedAnymail"
    settings.ANYMAIL = {}
    ScriptedAnymail.answer = None
    yield ScriptedAnymail
    ScriptedAnymail.answer = None


def _send(tenant, capture):
    with capture(execute=True):
        msg = message_queue(org=tenant.org, channel="email", to="kari@example.no", text="x")
    msg.refresh_from_db()
    return msg


def test_anymail_send_keeps_the_esp_message_id(
    tenant, anymail_backend, django_capture_on_commit_callbacks
):
    anymail_backend.answer = {
        "recipient_status": {
            "kari@example.no": AnymailRecipientStatus(message_id="esp-42", status="queued")
        }
    }
    msg = _send(tenant, django_capture_on_commit_callbacks)
    assert msg.status == Status.SENT and msg.provider_message_id == "esp-42"
    (sent,) = mail.outbox
    assert sent.anymail_test_params["extra_headers"]["Message-ID"] == msg.message_id


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (lambda: api_error(400), Status.FAILED),
        (lambda: api_error(422), Status.FAILED),
        (lambda: api_error(500), Status.QUEUED),
        (lambda: api_error(429), Status.QUEUED),
        (lambda: api_error(408), Status.QUEUED),
        (lambda: AnymailAPIError("timeout, no response"), Status.QUEUED),
        (lambda: AnymailRecipientsRefused("all rejected"), Status.FAILED),
    ],
    ids=["400", "422", "500", "429", "408", "no-status", "refused"],
)
def test_anymail_errors_map_to_permanent_or_temporary(
    tenant, anymail_backend, django_capture_on_commit_callbacks, answer, status
):
    anymail_backend.answer = answer()
    msg = _send(tenant, django_capture_on_commit_callbacks)
    assert msg.status == status and msg.attempts == 1 and msg.last_error


def test_anymail_rejected_recipient_is_permanent(
    tenant, anymail_backend, django_capture_on_commit_callbacks
):
    anymail_backend.answer = {
        "recipient_status": {
            "kari@example.no": AnymailRecipientStatus(message_id="esp-1", status="rejected")
        }
    }
    msg = _send(tenant, django_capture_on_commit_callbacks)
    assert msg.status == Status.FAILED and msg.attempts == 1
