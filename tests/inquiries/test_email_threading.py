"""Replies thread onto their case; automatic replies, forged case tokens and bounces do not."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.db import transaction

from cases.models import Attachment, Case, CaseEvent
from cases.services.cases import case_change
from cases.services.events import event_record
from inquiries.email.pipeline import inbound_process, inbound_retry, inbound_store
from inquiries.models import InboundEmail, Inquiry
from notifications.models import Notification, OutboundMessage
from notifications.outbox import message_queue
from tests.factories.cases import make_case
from tests.inquiries.conftest import make_customer, png_bytes
from tests.inquiries.email_helpers import _fresh_email_settings  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def mail(
    *,
    sender="kari@example.net",
    subject="Re: Dripping tap",
    text="It still drips.\n\nOn Mon, 16 Nov 2026 Alpha Bolig wrote:\n> We sent a plumber.",
    message_id="<reply-1@example.net>",
    in_reply_to="",
    headers=None,
    html="",
    files=(),
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Kari Kunde <{sender}>"
    msg["To"] = "post@alpha.example"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    for name, data, maintype, subtype in files:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def receive(org, raw: bytes) -> InboundEmail:
    with transaction.atomic():
        pk, _created = inbound_store(org=org, raw=raw, source="file", enqueue_processing=False)
    inbound_process(pk)
    return InboundEmail.objects.get(pk=pk)


@pytest.fixture
def sent_case(tenant):
    """A resolved case whose customer got an e-mail from us (MESSAGE_OUT with its outbox row)."""
    customer = make_customer(organization=tenant.org, email="kari@example.net")
    case = make_case(tenant.org, tenant.caseworker, customer=customer, assignee=tenant.caseworker)
    out = message_queue(
        org=tenant.org,
        channel="email",
        to="kari@example.net",
        subject=f"[#{case.number}] Dripping tap",
        text="We sent a plumber.",
        kind=OutboundMessage.Kind.REPLY,
    )
    event_record(
        case=case,
        actor=tenant.caseworker,
        kind=CaseEvent.Kind.MESSAGE_OUT,
        outbound_message_id=out.pk,
        data={"channel": "email", "to": out.to, "subject": out.subject, "text": out.body_text},
    )
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status=Case.Status.RESOLVED)
    case.refresh_from_db()
    return case, out


def test_reply_to_our_case_email_threads_onto_the_case_and_reopens_it(tenant, sent_case):
    case, out = sent_case
    email = receive(
        tenant.org,
        mail(
            in_reply_to=out.message_id,
            files=[("photo.png", png_bytes(), "image", "png")],
            html="<p>It still drips.</p><script>alert(1)</script>"
            '<a href="javascript:alert(2)" onclick="x()">x</a>',
        ),
    )
    assert email.outcome == InboundEmail.Outcome.CASE_MESSAGE
    assert email.status == InboundEmail.Status.PROCESSED
    assert email.case_id == case.pk
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.MESSAGE_IN)
    assert event.inbound_email_id == email.pk
    assert event.data["from"] == "kari@example.net"
    assert event.data["from_name"] == "Kari Kunde"
    assert event.data["text"] == "It still drips."
    assert event.data["quoted"].startswith("On Mon, 16 Nov 2026 Alpha Bolig wrote:")
    assert event.data["attachments"] == ["photo.png"]
    html = event.data["html"]
    assert "It still drips." in html
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html
    assert Attachment.objects.filter(case=case, original_name="photo.png").exists()
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert not Inquiry.objects.filter(organization=tenant.org).exists()


def test_assignee_is_notified_of_the_reply(tenant, sent_case):
    case, out = sent_case
    Notification.objects.all().delete()
    receive(tenant.org, mail(in_reply_to=out.message_id))
    note = Notification.objects.get(recipient=tenant.caseworker)
    assert f"#{case.number}" in note.text and "Kari Kunde" in note.text
    assert note.url.endswith(f"/{case.number}/")


def test_out_of_office_to_our_case_email_does_not_thread(tenant, sent_case):
    case, out = sent_case
    email = receive(
        tenant.org,
        mail(
            subject="Automatisk svar: Dripping tap",
            in_reply_to=out.message_id,
            headers={"Auto-Submitted": "auto-replied"},
        ),
    )
    assert email.outcome == InboundEmail.Outcome.AUTO_REPLY
    assert email.status == InboundEmail.Status.IGNORED
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MESSAGE_IN).exists()
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED
    # Nothing is sent back to an automatic reply.
    assert OutboundMessage.objects.filter(organization=tenant.org).count() == 1


def test_out_of_office_recognised_by_subject_alone(tenant, sent_case):
    _case, out = sent_case
    email = receive(
        tenant.org, mail(subject="Out of Office: Dripping tap", in_reply_to=out.message_id)
    )
    assert email.outcome == InboundEmail.Outcome.AUTO_REPLY


def test_the_reason_is_recorded_in_the_organizations_language(tenant, sent_case):
    _case, out = sent_case
    tenant.org.default_language = "nb"
    tenant.org.save(update_fields=["default_language"])
    email = receive(
        tenant.org, mail(subject="Out of Office: Dripping tap", in_reply_to=out.message_id)
    )
    assert email.error == "emnet sier at det er et automatisk svar"


def test_case_token_from_the_customer_threads(tenant, sent_case):
    case, _out = sent_case
    email = receive(tenant.org, mail(subject=f"Re: [#{case.number}] Dripping tap"))
    assert email.outcome == InboundEmail.Outcome.CASE_MESSAGE
    assert email.case_id == case.pk


def test_forged_case_token_from_a_stranger_makes_a_new_inquiry(tenant, sent_case):
    case, _out = sent_case
    email = receive(
        tenant.org,
        mail(sender="mallory@evil.example", subject=f"Re: [#{case.number}] Dripping tap"),
    )
    assert email.outcome == InboundEmail.Outcome.INQUIRY
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MESSAGE_IN).exists()
    inquiry = Inquiry.objects.get(organization=tenant.org)
    assert inquiry.sender_email == "mallory@evil.example"
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED


def test_reply_in_another_organization_does_not_reach_our_case(tenant, other_tenant, sent_case):
    case, out = sent_case
    email = receive(other_tenant.org, mail(in_reply_to=out.message_id))
    assert email.outcome == InboundEmail.Outcome.INQUIRY
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MESSAGE_IN).exists()


def test_bounce_marks_our_message_bounced(tenant, sent_case):
    _case, out = sent_case
    OutboundMessage.objects.filter(pk=out.pk).update(status=OutboundMessage.Status.SENT)
    raw = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\n"
        "To: post@alpha.example\r\nSubject: Undelivered Mail\r\n"
        "Message-ID: <bounce-1@mx.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; kari@example.net\r\n"
        "Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
        "--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"To: kari@example.net\r\nMessage-ID: {out.message_id}\r\n--b--\r\n"
    ).encode()
    email = receive(tenant.org, raw)
    assert email.outcome == InboundEmail.Outcome.BOUNCE
    assert email.outbound_message_id == out.pk
    out.refresh_from_db()
    assert out.status == OutboundMessage.Status.BOUNCED
    assert "5.1.1" in out.last_error
    assert not Inquiry.objects.filter(organization=tenant.org).exists()


def test_our_own_mail_coming_back_is_a_loop(tenant):
    from notifications.models import ReceivingAddress

    ReceivingAddress.objects.create(organization=tenant.org, address="post@alpha.example")
    email = receive(tenant.org, mail(sender="post@alpha.example"))
    assert email.outcome == InboundEmail.Outcome.LOOP
    assert not Inquiry.objects.filter(organization=tenant.org).exists()


def test_mailing_list_is_recorded_and_nothing_created(tenant):
    email = receive(tenant.org, mail(headers={"List-Id": "<news.example.net>"}))
    assert email.outcome == InboundEmail.Outcome.MAILING_LIST
    assert not Inquiry.objects.filter(organization=tenant.org).exists()


def test_unparseable_email_is_kept_with_the_error_and_can_be_retried(tenant):
    email = receive(tenant.org, b"   \r\n")
    assert email.status == InboundEmail.Status.FAILED
    assert email.outcome == InboundEmail.Outcome.UNPARSEABLE and email.error
    # An admin retries after a fix: processed from the stored bytes.
    InboundEmail.objects.filter(pk=email.pk).update(raw=mail(message_id="<fixed@example.net>"))
    email.refresh_from_db()
    assert inbound_retry(org=tenant.org, actor=tenant.admin, email=email) == "inquiry"
    email.refresh_from_db()
    assert email.status == InboundEmail.Status.PROCESSED and email.inquiry_id


def test_retry_refuses_another_organizations_email(tenant, other_tenant):
    from django.core.exceptions import ValidationError

    email = receive(other_tenant.org, b"   \r\n")
    with pytest.raises(ValidationError):
        inbound_retry(org=tenant.org, actor=tenant.admin, email=email)


def test_stored_email_is_processed_after_commit_by_the_task(
    tenant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        pk, created = inbound_store(org=tenant.org, raw=mail(), source="webhook")
    assert created
    assert InboundEmail.objects.get(pk=pk).outcome == InboundEmail.Outcome.INQUIRY


def test_sweeper_processes_emails_left_unprocessed(tenant):
    from inquiries.email.pipeline import inbound_sweep

    with transaction.atomic():
        pk, _c = inbound_store(org=tenant.org, raw=mail(), source="webhook")
    # on_commit did not run (test transaction): the row waits, as after a lost task.
    assert InboundEmail.objects.get(pk=pk).status == InboundEmail.Status.RECEIVED
    assert inbound_sweep(grace_seconds=0) == 1
    assert InboundEmail.objects.get(pk=pk).status == InboundEmail.Status.PROCESSED


def test_follow_up_in_the_same_thread_as_a_message_on_the_case_threads_too(tenant, sent_case):
    case, out = sent_case
    receive(tenant.org, mail(in_reply_to=out.message_id))
    # The customer answers their own e-mail (not ours): its References name only theirs.
    email = receive(
        tenant.org,
        mail(message_id="<reply-2@example.net>", in_reply_to="<reply-1@example.net>"),
    )
    assert email.outcome == InboundEmail.Outcome.CASE_MESSAGE and email.case_id == case.pk
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MESSAGE_IN).count() == 2


def test_batch_with_one_failing_email_keeps_the_others(tenant, sent_case, monkeypatch):
    from inquiries.email import pipeline
    from inquiries.email.pipeline import inbound_process_many

    _case, out = sent_case
    with transaction.atomic():
        ids = [
            inbound_store(org=tenant.org, raw=raw, source="file", enqueue_processing=False)[0]
            for raw in (
                mail(message_id="<a@example.net>", subject="First"),
                mail(message_id="<b@example.net>", subject="Boom"),
                mail(message_id="<c@example.net>", subject="Third"),
            )
        ]
    real = pipeline._act

    def failing(email, parsed, deferred=None):
        if parsed.subject == "Boom":
            raise RuntimeError("something broke")
        return real(email, parsed, deferred)

    monkeypatch.setattr(pipeline, "_act", failing)
    results = inbound_process_many(ids)
    assert [results[pk] for pk in ids] == ["inquiry", "failed", "inquiry"]
    failed = InboundEmail.objects.get(pk=ids[1])
    assert failed.status == InboundEmail.Status.FAILED and "something broke" in failed.error
    assert Inquiry.objects.filter(organization=tenant.org).count() == 2


def test_duplicates_in_one_batch_are_stored_once(tenant):
    from inquiries.email.pipeline import inbound_store_many

    with transaction.atomic():
        results = inbound_store_many(
            org=tenant.org, raws=[mail(), mail(), mail(subject="other")], source="file"
        )
    assert results[0][1] is True and results[1] == (results[0][0], False)
    assert results[2] == (results[0][0], False)  # same Message-ID: the same e-mail
    assert InboundEmail.objects.filter(organization=tenant.org).count() == 1


def test_a_task_takes_other_waiting_emails_along(tenant):
    from inquiries.tasks import process_inbound_emails

    with transaction.atomic():
        ids = [
            inbound_store(
                org=tenant.org, raw=mail(message_id=f"<w{n}@example.net>"), source="file"
            )[0]
            for n in range(3)
        ]
    # The test transaction kept the tasks from running; the first task does all three.
    results = process_inbound_emails(tenant.org.pk, ids[:1])
    assert {int(pk) for pk in results} == set(ids)
    assert process_inbound_emails(tenant.org.pk, ids[1:2]) == {}
    assert Inquiry.objects.filter(organization=tenant.org).count() == 3


def test_our_answer_to_a_threaded_reply_is_in_its_thread(tenant, sent_case):
    """The customer's e-mail on the case is what the caseworker's next reply answers."""
    from cases.services.messages import Outgoing, case_message_send

    case, out = sent_case
    receive(tenant.org, mail(in_reply_to=out.message_id, message_id="<reply-7@example.net>"))
    (event,) = case_message_send(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        kind=OutboundMessage.Kind.REPLY,
        message=Outgoing(text="The plumber comes Monday.", email="kari@example.net"),
    )
    answer = OutboundMessage.objects.get(pk=event.outbound_message_id)
    assert answer.in_reply_to == "<reply-7@example.net>"
    assert answer.references.split() == [out.message_id, "<reply-7@example.net>"]
    assert f"[#{case.number}]" in answer.subject
