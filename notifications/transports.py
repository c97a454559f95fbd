"""How an outbox row leaves: e-mail through Django's mail API (an Anymail backend in production),
SMS through a small backend interface (Twilio, console, in-memory).

A transport either returns the provider's message id or raises `SendError`; `permanent=True`
means trying again cannot help (a rejected address, an invalid number), so the outbox stops.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import sys
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SendError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


# --- E-mail ---------------------------------------------------------------------------------


def build_email(message, connection=None) -> EmailMultiAlternatives:
    """The Django e-mail for an outbox row: our Message-ID, threading and automatic-message
    headers, text with an HTML alternative, and the attached files read from storage."""
    headers = {"Message-ID": message.message_id, **(message.headers or {})}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
    if message.references:
        headers["References"] = message.references
    # A quoted display name (commas, quotes and backslashes escaped; Django encodes non-ASCII
    # when it writes the header); line breaks never reach a header.
    name = " ".join(message.to_name.split()).replace("\\", "\\\\").replace('"', '\\"')
    to = f'"{name}" <{message.to}>' if name else message.to
    email = EmailMultiAlternatives(
        subject=message.subject.replace("\r", " ").replace("\n", " "),
        body=message.body_text,
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers=headers,
        connection=connection,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for item in message.attachments or []:
        try:
            with default_storage.open(item["path"], "rb") as fh:
                content = fh.read()
        except OSError as exc:
            raise SendError(f"attachment {item.get('name')!r} is missing", permanent=True) from exc
        email.attach(item["name"], content, item.get("content_type") or None)
    return email


def _classify_email_error(exc: Exception) -> SendError:
    """Permanent or temporary, from what the backend raised."""
    name = type(exc).__name__
    text = f"{name}: {exc}"[:1000]
    if isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return SendError(text, permanent=True)
    if isinstance(exc, smtplib.SMTPResponseException):
        return SendError(text, permanent=500 <= exc.smtp_code < 600)
    if isinstance(exc, smtplib.SMTPException | socket.error | TimeoutError):
        return SendError(text)
    anymail = sys.modules.get("anymail.exceptions")
    if anymail is not None:
        if isinstance(exc, anymail.AnymailRecipientsRefused | anymail.AnymailInvalidAddress):
            return SendError(text, permanent=True)
        if isinstance(exc, anymail.AnymailAPIError):
            status = getattr(exc, "status_code", None)
            permanent = status is not None and 400 <= status < 500 and status not in (408, 429)
            return SendError(text, permanent=permanent)
    return SendError(text)


def send_email(message) -> str:
    """Send one outbox row by e-mail; returns the provider's message id (ours without one)."""
    connection = get_connection(fail_silently=False)
    email = build_email(message, connection)
    try:
        sent = email.send()
    except SendError:
        raise
    except Exception as exc:  # every backend raises its own
        raise _classify_email_error(exc) from exc
    if not sent:
        raise SendError("the mail backend accepted no recipient", permanent=True)
    status = getattr(email, "anymail_status", None)
    provider_id = getattr(status, "message_id", None) if status is not None else None
    if isinstance(provider_id, set):  # anymail: one id per recipient; we send to one
        provider_id = next(iter(provider_id), None)
    if status is not None and getattr(status, "status", None) and status.status <= {"rejected"}:
        raise SendError("the provider rejected the recipient", permanent=True)
    return str(provider_id or message.message_id)


# --- SMS ------------------------------------------------------------------------------------


@dataclass
class Sms:
    to: str
    body: str
    reference: str  # our outbox row's id, for logs and fakes


class SmsBackend:
    """Send one SMS; return the provider's id or raise SendError."""

    def send(self, sms: Sms) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """Demo mode: print the SMS (as Django's console e-mail backend prints e-mail)."""

    def send(self, sms: Sms) -> str:
        sys.stdout.write(f"SMS to {sms.to}:\n{sms.body}\n{'-' * 40}\n")
        sys.stdout.flush()
        return f"console-{sms.reference}"


class LocMemSmsBackend(SmsBackend):
    """Tests: keeps what was sent in `LocMemSmsBackend.outbox`, like django.core.mail.outbox."""

    outbox: list[Sms] = []

    def send(self, sms: Sms) -> str:
        type(self).outbox.append(sms)
        return f"locmem-{sms.reference}-{len(type(self).outbox)}"


# Twilio error codes that no retry can fix: invalid or unreachable numbers, blocked content.
TWILIO_PERMANENT_CODES = {
    21211,
    21214,
    21217,
    21408,
    21610,
    21612,
    21614,
    30003,
    30004,
    30005,
    30006,
    30007,
    30008,
}


# Seconds a Twilio API call may take. Well under the outbox lease (OUTBOX_LEASE_SECONDS): a
# call still hanging when the lease runs out would be sent a second time by another worker.
TWILIO_TIMEOUT_SECONDS = 30


class TwilioSmsBackend(SmsBackend):
    """Twilio's Messages API through the `twilio` package. `http_client` is for tests (a fake of
    Twilio's HTTP edge); production uses the package's own, with a timeout."""

    def __init__(self, http_client=None) -> None:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        self.client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=http_client or TwilioHttpClient(timeout=TWILIO_TIMEOUT_SECONDS),
        )

    def send(self, sms: Sms) -> str:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        kwargs = {"to": sms.to, "body": sms.body}
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            kwargs["messaging_service_sid"] = settings.TWILIO_MESSAGING_SERVICE_SID
        else:
            kwargs["from_"] = settings.TWILIO_FROM_NUMBER
        if settings.SITE_URL.startswith("https://"):
            kwargs["status_callback"] = settings.SITE_URL + "/hooks/twilio/status/"
        try:
            created = self.client.messages.create(**kwargs)
        except TwilioRestException as exc:
            permanent = exc.code in TWILIO_PERMANENT_CODES or (
                400 <= (exc.status or 0) < 500 and exc.status not in (401, 403, 408, 429)
            )
            raise SendError(
                f"Twilio {exc.status} {exc.code}: {exc.msg}"[:1000], permanent=permanent
            ) from exc
        except TwilioException as exc:
            raise SendError(f"Twilio: {exc}"[:1000]) from exc
        except OSError as exc:
            raise SendError(f"Twilio: {exc}"[:1000]) from exc
        return created.sid


_sms_backend: SmsBackend | None = None
_sms_backend_path: str | None = None


def sms_backend() -> SmsBackend:
    """The configured SMS backend (settings.SMS_BACKEND), made once per process."""
    global _sms_backend, _sms_backend_path
    if _sms_backend is None or _sms_backend_path != settings.SMS_BACKEND:
        _sms_backend = import_string(settings.SMS_BACKEND)()
        _sms_backend_path = settings.SMS_BACKEND
    return _sms_backend


def send_sms(message) -> str:
    return sms_backend().send(Sms(to=message.to, body=message.body_text, reference=str(message.pk)))
