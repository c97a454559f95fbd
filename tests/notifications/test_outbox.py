"""The outbox: rows first, sent after commit, retried with backoff, failed with the reason, moved
forward only by provider reports, swept when forgotten."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from notifications.models import OutboundMessage, ReceivingAddress
from notifications.outbox import (
    message_deliver,
    message_queue,
    message_retry,
    message_status_update,
    normalise_phone,
    outbox_sweep,
)
from notifications.transports import LocMemSmsBackend, SendError

Status = OutboundMessage.Status


@pytest.fixture(autouse=True)
def _commit(django_capture_on_commit_callbacks):
    """Run the outbox's on-commit send as a real commit would, when a test asks."""
    global committed
    committed = lambda: django_capture_on_commit_callbacks(execute=True)  # noqa: E731


def _email(org, **kw):
    with committed():
        return _queue(org, **kw)


def _queue(org, **kw):
    return message_queue(
        org=org,
        channel="email",
        to=kw.pop("to", "kari@example.no"),
        subject=kw.pop("subject", "Hei"),
        text=kw.pop("text", "Tekst"),
        **kw,
    )


def test_email_is_sent_after_commit_with_our_headers(tenant):
    org = tenant.org
    ReceivingAddress.objects.create(organization=org, address="post@alpha.example", is_primary=True)
    msg = _email(org, automatic=True, html="<p>Tekst</p>")
    msg.refresh_from_db()
    assert msg.status == Status.SENT  # the (eager) task ran on commit
    assert msg.attempts == 1 and msg.sent_at is not None
    (sent,) = mail.outbox
    assert sent.to == ["kari@example.no"]
    assert sent.extra_headers["Message-ID"] == msg.message_id
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"
    assert sent.extra_headers["X-Auto-Response-Suppress"] == "All"
    assert sent.reply_to == ["post@alpha.example"]
    assert org.name in sent.from_email
    assert sent.alternatives[0][1] == "text/html"


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_transaction_rolls_back(tenant):
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue(tenant.org)
        raise RuntimeError
    assert not OutboundMessage.objects.exists()
    assert mail.outbox == []


def test_sms_is_normalised_and_sent(tenant):
    with committed():
        msg = message_queue(org=tenant.org, channel="sms", to="912 34 567", text="Hei")
    msg.refresh_from_db()
    assert msg.to == "+4791234567" and msg.status == Status.SENT
    assert [s.to for s in LocMemSmsBackend.outbox] == ["+4791234567"]
    assert msg.provider_message_id.startswith("locmem-")


@pytest.mark.parametrize("bad", ["", "abc", "+47 12", "12345678901234567890"])
def test_a_bad_phone_number_is_refused(bad):
    with pytest.raises(ValidationError):
        normalise_phone(bad)


def test_a_bad_address_is_refused_before_anything_is_written(tenant):
    with pytest.raises(ValidationError):
        _email(tenant.org, to="not an address")
    assert not OutboundMessage.objects.exists()


class Flaky:
    """An SMS backend that fails the first `failures` times."""

    calls = 0
    failures = 0
    permanent = False

    def send(self, sms):
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise SendError("provider down", permanent=type(self).permanent)
        return f"ok-{type(self).calls}"


@pytest.fixture
def flaky(settings):
    settings.SMS_BACKEND = "tests.notifications.test_outbox.Flaky"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    Flaky.calls, Flaky.failures, Flaky.permanent = 0, 0, False
    return Flaky


def _due_now(msg):
    OutboundMessage.objects.filter(pk=msg.pk).update(next_attempt_at=timezone.now())


def test_a_temporary_error_retries_with_backoff_then_sends(tenant, flaky):
    flaky.failures = 1
    before = timezone.now()
    with committed():
        msg = message_queue(org=tenant.org, channel="sms", to="+4791234567", text="x")
    msg.refresh_from_db()
    assert msg.status == Status.QUEUED and msg.attempts == 1
    assert msg.last_error == "provider down"
    assert msg.next_attempt_at > before  # not due at once
    assert message_deliver(msg.pk) == "skipped"  # not due yet
    _due_now(msg)
    assert message_deliver(msg.pk) == "sent"
    msg.refresh_from_db()
    assert msg.status == Status.SENT and msg.attempts == 2 and msg.last_error == ""


def test_the_last_attempt_fails_with_the_reason_and_send_again_requeues(tenant, flaky):
    flaky.failures = 3
    with committed():
        msg = message_queue(org=tenant.org, channel="sms", to="+4791234567", text="x")
    for _ in range(2):
        _due_now(msg)
        message_deliver(msg.pk)
    msg.refresh_from_db()
    assert msg.status == Status.FAILED and msg.attempts == 3
    assert msg.last_error == "provider down"

    with committed():
        message_retry(org=tenant.org, actor=tenant.caseworker, message=msg)
    msg.refresh_from_db()
    assert msg.status == Status.SENT and msg.attempts == 1


def test_a_permanent_error_stops_at_once(tenant, flaky):
    flaky.failures, flaky.permanent = 5, True
    with committed():
        msg = message_queue(org=tenant.org, channel="sms", to="+4791234567", text="x")
    msg.refresh_from_db()
    assert msg.status == Status.FAILED and msg.attempts == 1 and flaky.calls == 1


def test_send_again_refuses_another_organizations_message_and_a_sent_one(tenant, other_tenant):
    msg = _email(tenant.org)
    msg.refresh_from_db()
    with pytest.raises(ValidationError):
        message_retry(org=other_tenant.org, actor=other_tenant.admin, message=msg)
    with pytest.raises(ValidationError):
        message_retry(org=tenant.org, actor=tenant.admin, message=msg)  # it was sent


def test_smtp_recipient_refusal_is_permanent(tenant, settings, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.no": (550, b"no such user")})

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    msg = _email(tenant.org, to="x@example.no")
    msg.refresh_from_db()
    assert msg.status == Status.FAILED and "SMTPRecipientsRefused" in msg.last_error


def test_sweeper_reenqueues_forgotten_and_expired_rows_only(
    tenant, django_capture_on_commit_callbacks
):
    old = timezone.now() - datetime.timedelta(minutes=10)
    with django_capture_on_commit_callbacks(execute=False):
        forgotten, fresh, expired, leased = (_queue(tenant.org) for _ in range(4))
    OutboundMessage.objects.filter(pk=forgotten.pk).update(next_attempt_at=old)
    OutboundMessage.objects.filter(pk=expired.pk).update(
        status=Status.SENDING, next_attempt_at=old, lease_until=old
    )
    OutboundMessage.objects.filter(pk=leased.pk).update(
        status=Status.SENDING,
        next_attempt_at=old,
        lease_until=timezone.now() + datetime.timedelta(minutes=5),
    )
    assert outbox_sweep() == 2
    statuses = dict(OutboundMessage.objects.values_list("pk", "status"))
    assert statuses[forgotten.pk] == Status.SENT
    assert statuses[expired.pk] == Status.SENT
    assert statuses[fresh.pk] == Status.QUEUED
    assert statuses[leased.pk] == Status.SENDING
    assert len(mail.outbox) == 2
    # A sent row is never claimed again.
    assert message_deliver(forgotten.pk) == "skipped"
    assert len(mail.outbox) == 2


def test_status_moves_forward_only(tenant):
    with committed():
        msg = message_queue(org=tenant.org, channel="sms", to="+4791234567", text="x")
    msg.refresh_from_db()
    pid = msg.provider_message_id
    assert message_status_update(channel="sms", provider_message_id=pid, status="delivered")
    # Late "sent" after "delivered", and the same report twice, change nothing.
    assert message_status_update(channel="sms", provider_message_id=pid, status="sent") is None
    assert message_status_update(channel="sms", provider_message_id=pid, status="delivered") is None
    msg.refresh_from_db()
    assert msg.status == Status.DELIVERED
    # A bounce after delivery is still news; after that nothing moves it.
    assert message_status_update(
        channel="sms", provider_message_id=pid, status="bounced", error="550"
    )
    assert message_status_update(channel="sms", provider_message_id=pid, status="failed") is None
    msg.refresh_from_db()
    assert msg.status == Status.BOUNCED and msg.last_error == "550"
    assert message_status_update(channel="sms", provider_message_id="nope", status="sent") is None


def test_a_recipient_name_with_quotes_commas_and_line_breaks_stays_one_address(tenant):
    import email
    import email.policy

    _email(tenant.org, to_name='Kåre "K",\r\nBcc: x@evil.example Ødegård\\')
    (sent,) = mail.outbox
    parsed = email.message_from_bytes(sent.message().as_bytes(), policy=email.policy.default)
    (address,) = parsed["To"].addresses
    assert address.addr_spec == "kari@example.no"
    assert address.display_name == 'Kåre "K", Bcc: x@evil.example Ødegård\\'
    assert parsed["Bcc"] is None
