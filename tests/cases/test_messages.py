"""Messages from the case page: reply to the customer (e-mail, SMS, both), forward to an
external contact, their place in the history with the outbox row's real status, "Send again",
and the first-response time."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.base import ContentFile

from cases.models import Attachment, Case, CaseEvent
from cases.services.messages import Outgoing, case_message_send
from notifications.models import OutboundMessage, SavedReply
from notifications.transports import LocMemSmsBackend
from tests.cases.detail_support import HX, case_url, rich_case
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory

Kind = OutboundMessage.Kind


@pytest.fixture
def customer(tenant):
    return CustomerFactory(
        organization=tenant.org, name="Kari Nordmann", email="kari@example.net", phone="91122333"
    )


@pytest.fixture
def case(tenant, customer):
    return make_case(tenant.org, tenant.caseworker, customer=customer, title="Leaking roof")


def reply(client, case, **fields):
    data = {
        "reply-send_email": "on",
        "reply-email": "kari@example.net",
        "reply-text": "We will come on Monday.",
        **fields,
    }
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(case_url(case, "reply/"), data, headers=HX)


def test_reply_form_defaults_to_the_customers_address_and_number(case, staff_client):
    html = staff_client.get(case_url(case, "forms/reply/"), headers=HX).content.decode()

    assert 'name="reply-email" value="kari@example.net"' in html
    assert 'name="reply-phone" value="91122333"' in html
    assert "To the customer, Kari Nordmann" in html


def test_reply_by_email_is_queued_sent_and_shown_with_its_status(
    case, staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = reply(staff_client, case)

    assert response.status_code == 200
    row = OutboundMessage.objects.get(kind=Kind.REPLY)
    assert (row.channel, row.to, row.status) == ("email", "kari@example.net", "sent")
    assert row.subject == f"Re: Leaking roof [#{case.number}]"
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.MESSAGE_OUT)
    assert event.outbound_message_id == row.pk
    assert event.actor.pk == response.wsgi_request.user.pk
    # The answer appends the entry to the history (rendered before the worker ran: queued).
    assert f'id="event-{event.pk}"' in response.content.decode()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.subject.endswith(f"[#{case.number}]")
    assert sent.message()["Message-ID"] == row.message_id
    assert "We will come on Monday." in sent.body

    page = staff_client.get(case_url(case)).content.decode()
    entry = page[page.index(f'id="event-{event.pk}"') :].split("</li>")[0]
    assert "replied to the customer by e-mail" in entry
    assert 'class="pill message-status message-sent">Sent<' in entry
    assert "message-out" in entry and "note-label" not in entry


def test_first_reply_sets_the_first_response_time_and_later_ones_keep_it(case, tenant):
    assert case.first_response_at is None
    send = Outgoing(text="Hello", email="kari@example.net")

    case_message_send(
        org=tenant.org, actor=tenant.caseworker, case=case, kind=Kind.REPLY, message=send
    )
    case.refresh_from_db()
    first = case.first_response_at
    case_message_send(
        org=tenant.org, actor=tenant.caseworker, case=case, kind=Kind.REPLY, message=send
    )
    case.refresh_from_db()

    assert first is not None and case.first_response_at == first


def test_status_change_is_not_a_response(case, tenant):
    from cases.services.cases import case_change

    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status=Case.Status.IN_PROGRESS)
    case.refresh_from_db()

    assert case.first_response_at is None


def test_reply_by_email_and_sms_sends_both(case, staff_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = reply(
            staff_client, case, **{"reply-send_sms": "on", "reply-phone": "911 22 333"}
        )

    assert response.status_code == 200
    rows = OutboundMessage.objects.filter(kind=Kind.REPLY)
    assert set(rows.values_list("channel", "to")) == {
        ("email", "kari@example.net"),
        ("sms", "+4791122333"),
    }
    assert len(mail.outbox) == 1
    assert [s.to for s in LocMemSmsBackend.outbox] == ["+4791122333"]
    assert "We will come on Monday." in LocMemSmsBackend.outbox[0].body
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MESSAGE_OUT).count() == 2


def test_sms_only_reply(case, staff_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reply(
            staff_client,
            case,
            **{"reply-send_email": None, "reply-send_sms": "on", "reply-phone": "+4791122333"},
        )

    assert list(OutboundMessage.objects.values_list("channel", flat=True)) == ["sms"]
    page = staff_client.get(case_url(case)).content.decode()
    assert "replied to the customer by SMS" in page


def test_bad_address_is_refused_next_to_the_field_keeping_what_was_typed(case, staff_client):
    response = reply(staff_client, case, **{"reply-email": "kari(at)example", "reply-text": "Kept"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "kari(at)example is not an e-mail address." in html
    assert 'id="id_reply-email_error"' in html
    assert "Kept</textarea>" in html
    assert not OutboundMessage.objects.exists()
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.MESSAGE_OUT).exists()


def test_bad_mobile_number_is_refused(case, staff_client):
    response = reply(staff_client, case, **{"reply-send_sms": "on", "reply-phone": "12"})

    assert response.status_code == 400
    assert "12 is not a mobile number." in response.content.decode()
    assert not OutboundMessage.objects.exists()


def test_reply_needs_a_channel_and_text(case, staff_client):
    response = reply(staff_client, case, **{"reply-send_email": None, "reply-text": " "})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose e-mail, SMS or both." in html
    assert "Write the message." in html


def test_reply_without_javascript_redirects_to_the_new_history_entry(case, staff_client):
    response = staff_client.post(
        case_url(case, "reply/"),
        {"reply-send_email": "on", "reply-email": "kari@example.net", "reply-text": "Hi"},
    )

    event = CaseEvent.objects.get(kind=CaseEvent.Kind.MESSAGE_OUT)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#event-{event.pk}")


def test_reply_with_files_of_the_case_attaches_them(
    tenant, case, staff_client, django_capture_on_commit_callbacks
):
    attachment = Attachment(
        organization=tenant.org,
        case=case,
        stored_name="x.txt",
        original_name="quote.txt",
        content_type="text/plain",
        size=5,
    )
    attachment.file.save("quote.txt", ContentFile(b"hello"), save=False)
    attachment.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = reply(staff_client, case, **{"reply-attachments": [attachment.pk]})

    assert response.status_code == 200
    assert [a[0] for a in mail.outbox[0].attachments] == ["quote.txt"]
    event = CaseEvent.objects.get(kind=CaseEvent.Kind.MESSAGE_OUT)
    assert event.data["attachments"] == ["quote.txt"]


def test_files_of_another_case_cannot_be_attached(tenant, case, staff_client):
    other = make_case(tenant.org, tenant.caseworker)
    attachment = Attachment.objects.create(
        organization=tenant.org,
        case=other,
        stored_name="y.txt",
        original_name="secret.txt",
        content_type="text/plain",
        size=1,
        file="cases/y.txt",
    )

    response = reply(staff_client, case, **{"reply-attachments": [attachment.pk]})

    assert response.status_code == 400
    assert not OutboundMessage.objects.exists()


def test_forward_to_an_external_contact_is_no_first_response(
    case, staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            case_url(case, "forward/"),
            {
                "forward-email": "roofer@example.com",
                "forward-name": "Tak & Co",
                "forward-text": "Can you look at this roof?",
            },
            headers=HX,
        )

    assert response.status_code == 200
    row = OutboundMessage.objects.get()
    assert (row.kind, row.to, row.to_name) == ("forward", "roofer@example.com", "Tak & Co")
    assert row.subject == f"Fwd: Leaking roof [#{case.number}]"
    case.refresh_from_db()
    assert case.first_response_at is None
    page = staff_client.get(case_url(case)).content.decode()
    assert "forwarded the case by e-mail to" in page
    assert "Tak &amp; Co" in page


def _failed_reply(tenant, case, error="550 5.1.1 mailbox <kari@example.net> unknown"):
    events = case_message_send(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        kind=Kind.REPLY,
        message=Outgoing(text="Hello", email="kari@example.net"),
    )
    OutboundMessage.objects.filter(pk=events[0].outbound_message_id).update(
        status="failed", last_error=error
    )
    return events[0]


def test_failed_message_shows_the_reason_and_send_again(tenant, case, staff_client):
    event = _failed_reply(tenant, case)

    page = staff_client.get(case_url(case)).content.decode()
    entry = page[page.index(f'id="event-{event.pk}"') :].split("</li>")[0]

    assert "message-failed" in entry and ">Failed<" in entry
    assert "550 5.1.1 mailbox &lt;kari@example.net&gt; unknown" in entry
    assert f"/messages/{event.outbound_message_id}/retry/" in entry
    assert "Send again" in entry


def test_send_again_queues_the_failed_message(
    tenant, case, staff_client, django_capture_on_commit_callbacks
):
    event = _failed_reply(tenant, case)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            case_url(case, f"messages/{event.outbound_message_id}/retry/"), headers=HX
        )

    assert response.status_code == 200
    row = OutboundMessage.objects.get(pk=event.outbound_message_id)
    assert row.status == "sent" and row.last_error == ""
    assert f'id="event-{event.pk}"' in response.content.decode()
    assert len(mail.outbox) == 1


def test_send_again_of_a_message_that_did_not_fail_says_so(tenant, case, staff_client):
    events = case_message_send(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        kind=Kind.REPLY,
        message=Outgoing(text="Hello", email="kari@example.net"),
    )

    response = staff_client.post(
        case_url(case, f"messages/{events[0].outbound_message_id}/retry/"), headers=HX
    )

    assert response.status_code == 200
    assert "Only a failed message can be sent again." in response.content.decode()


def test_send_again_of_another_cases_message_is_404(tenant, case, staff_client):
    event = _failed_reply(tenant, case)
    other = make_case(tenant.org, tenant.caseworker)

    response = staff_client.post(case_url(other, f"messages/{event.outbound_message_id}/retry/"))

    assert response.status_code == 404
    assert OutboundMessage.objects.get(pk=event.outbound_message_id).status == "failed"


@pytest.mark.parametrize("path", ["reply/", "forward/", "messages/1/retry/"])
def test_outsider_gets_404_on_message_endpoints(tenant, case, outsider_client, path):
    response = outsider_client.post(
        case_url(case, path),
        {"reply-send_email": "on", "reply-email": "x@example.net", "reply-text": "x"},
    )

    assert response.status_code == 404
    assert not OutboundMessage.objects.exists()


def test_outsider_cannot_retry_a_real_failed_message(tenant, case, outsider_client):
    event = _failed_reply(tenant, case)

    response = outsider_client.post(case_url(case, f"messages/{event.outbound_message_id}/retry/"))

    assert response.status_code == 404
    assert OutboundMessage.objects.get(pk=event.outbound_message_id).status == "failed"


def test_message_text_is_escaped_in_the_history(tenant, case, staff_client):
    case_message_send(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        kind=Kind.REPLY,
        message=Outgoing(text="<script>alert(1)</script>", email="kari@example.net"),
    )

    page = staff_client.get(case_url(case)).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_received_message_is_shown_as_the_customers_text_never_its_html(tenant, case, staff_client):
    CaseEvent.objects.create(
        organization=tenant.org,
        case=case,
        kind=CaseEvent.Kind.MESSAGE_IN,
        inbound_email_id=42,
        data={
            "from": "kari@example.net",
            "from_name": "Kari <b>N</b>",
            "subject": "Re: Leaking roof [#1]",
            "text": "Thanks!\nSee you <img src=x onerror=alert(1)>",
            "quoted": "> earlier",
            "html": "<p>Thanks!</p><script>alert(2)</script><img src=x onerror=alert(3)>",
            "attachments": ["photo<1>.jpg"],
            "attachment_ids": [777],
            "refused_attachments": ["virus.exe"],
        },
    )

    page = staff_client.get(case_url(case)).content.decode()
    entry = page[page.index("event-message_in") :].split("</li>")[0]

    assert "Message from the customer" in entry
    assert "Kari &lt;b&gt;N&lt;/b&gt;" in entry
    assert "Thanks!<br>See you &lt;img src=x onerror=alert(1)&gt;" in entry
    assert "alert(2)" not in page and "alert(3)" not in page
    assert (
        f'<a href="/{tenant.org.slug}/cases/{case.number}/attachments/777/">photo&lt;1&gt;.jpg</a>'
        in entry
    )
    assert "Files not kept (not allowed or too many): virus.exe" in page
    assert "message-in" in entry


def test_case_page_reads_the_outbox_in_one_query_for_1_and_30_messages(
    tenant, staff_client, django_assert_num_queries
):
    small = rich_case(tenant, container_id="S-1")
    big = rich_case(tenant, container_id="B-1")
    send = Outgoing(text="Hello", email="kari@example.net")
    case_message_send(
        org=tenant.org, actor=tenant.caseworker, case=small, kind=Kind.REPLY, message=send
    )
    for _i in range(30):
        case_message_send(
            org=tenant.org, actor=tenant.caseworker, case=big, kind=Kind.REPLY, message=send
        )
    staff_client.get(case_url(small))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        staff_client.get(case_url(small))
    expected = len(queries)

    with django_assert_num_queries(expected):
        response = staff_client.get(case_url(big))
    assert response.content.decode().count("message-out") == 30


def test_saved_replies_are_offered_in_the_composer(tenant, case, staff_client):
    SavedReply.objects.create(organization=tenant.org, title="Thanks", body="Thank you <3")

    html = staff_client.get(case_url(case, "forms/reply/"), headers=HX).content.decode()

    assert 'data-saved-reply-target="id_reply-text"' in html
    assert 'data-body="Thank you &lt;3"' in html


@pytest.mark.parametrize("path", ["reply/", "forward/"])
def test_supplier_user_may_not_write_to_the_outside(tenant, case, path):
    client = tenant.client_for(tenant.supplier)

    response = client.post(
        case_url(case, path), {"reply-send_email": "on", "reply-email": "x@example.net"}
    )

    assert response.status_code == 403
    assert not OutboundMessage.objects.exists()


def test_forward_form_starts_with_the_case_title_and_description(tenant, staff_client):
    case = make_case(
        tenant.org, tenant.caseworker, title="Fukt i kjeller", description="Vann på gulvet."
    )

    html = staff_client.get(case_url(case, "forms/forward/"), headers=HX).content.decode()

    assert "Fukt i kjeller\n\nVann på gulvet.</textarea>" in html


def test_reply_goes_to_the_inquirys_sender_when_the_case_has_no_customer(tenant, staff_client):
    from inquiries.models import Channel, Inquiry
    from inquiries.services.intake import inquiry_receive

    case = make_case(tenant.org, tenant.caseworker, title="Fra skjema")
    inquiry = inquiry_receive(
        org=tenant.org,
        channel=Channel.WEB_FORM,
        sender_name="Per Hansen",
        sender_email="per@example.net",
        sender_phone="+4799887766",
        subject="Hjelp",
        message="Noe er galt.",
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(case=case, status=Inquiry.Status.CONVERTED)

    html = staff_client.get(case_url(case, "forms/reply/"), headers=HX).content.decode()

    assert 'name="reply-email" value="per@example.net"' in html
    assert 'name="reply-phone" value="+4799887766"' in html
    assert "To the customer, Per Hansen" in html


def test_html_only_message_shows_its_words_without_markup(tenant, case, staff_client):
    CaseEvent.objects.create(
        organization=tenant.org,
        case=case,
        kind=CaseEvent.Kind.MESSAGE_IN,
        data={
            "from": "kari@example.net",
            "text": "",
            "html": '<p>Se bildet &amp; ring meg</p><img src="https://tracker.example/p.gif">',
        },
    )

    page = staff_client.get(case_url(case)).content.decode()

    assert "Se bildet &amp; ring meg" in page
    assert "tracker.example" not in page


def test_replies_thread_onto_the_customers_message_and_our_earlier_ones(tenant, case):
    send = Outgoing(text="Hei", email="kari@example.net")
    first = case_message_send(
        org=tenant.org, actor=tenant.caseworker, case=case, kind=Kind.REPLY, message=send
    )[0]
    CaseEvent.objects.create(
        organization=tenant.org,
        case=case,
        kind=CaseEvent.Kind.MESSAGE_IN,
        data={"from": "kari@example.net", "text": "Takk", "message_id": "<abc@mail.example>"},
    )

    second = case_message_send(
        org=tenant.org, actor=tenant.caseworker, case=case, kind=Kind.REPLY, message=send
    )[0]

    earlier = OutboundMessage.objects.get(pk=first.outbound_message_id)
    row = OutboundMessage.objects.get(pk=second.outbound_message_id)
    assert row.in_reply_to == "<abc@mail.example>"
    assert row.references.split() == [earlier.message_id, "<abc@mail.example>"]
    assert row.message_id and row.message_id != earlier.message_id


def test_a_message_on_its_way_is_re_read_until_it_leaves(tenant, case, staff_client):
    event = case_message_send(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        kind=Kind.REPLY,
        message=Outgoing(text="Hei", email="kari@example.net"),
    )[0]
    status_url = case_url(case, f"messages/{event.outbound_message_id}/")

    page = staff_client.get(case_url(case)).content.decode()
    entry = page[page.index(f'id="event-{event.pk}"') :].split(">")[0]
    assert f'hx-get="{status_url}"' in entry  # queued: the page asks again

    OutboundMessage.objects.filter(pk=event.outbound_message_id).update(status="sent")
    response = staff_client.get(status_url, headers=HX)

    assert response.status_code == 200
    html = response.content.decode()
    assert ">Sent<" in html
    assert "hx-get" not in html.split(">")[0]  # left: no more polling
    assert 'id="case-live"' not in html


def test_outsider_gets_404_for_a_messages_status(tenant, case, outsider_client):
    event = _failed_reply(tenant, case)

    response = outsider_client.get(case_url(case, f"messages/{event.outbound_message_id}/"))

    assert response.status_code == 404
