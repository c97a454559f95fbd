"""A caseworker answers the customer from the case page: picks the reply tab, inserts a saved
reply, sends it by e-mail, and sees it in the history with its delivery status; a failed
message is sent again from the history."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from cases.models import CaseEvent
from notifications.models import OutboundMessage, SavedReply
from tests.browser.conftest import login
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_caseworker_replies_to_the_customer_and_sees_the_message_with_its_status(
    page, live_server, tenant
):
    org, caseworker = tenant.org, tenant.caseworker
    customer = CustomerFactory(
        organization=org, name="Kari Nordmann", email="kari@example.net", phone="91122333"
    )
    case = make_case(org, caseworker, title="Lekkasje i kjelleren", customer=customer)
    SavedReply.objects.create(
        organization=org, title="Befaring", body="Vi kommer på befaring mandag kl. 10."
    )

    login(page, live_server, caseworker.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/{org.slug}/cases/{case.number}/")
    page.evaluate("window.__sameDocument = true")

    page.get_by_role("tab", name="Reply to customer").click()
    reply = page.get_by_role("tabpanel", name="Reply to customer")
    expect(reply).to_be_visible()
    expect(page.get_by_role("tabpanel", name="Internal note")).to_be_hidden()
    expect(reply.get_by_label("E-mail address")).to_have_value("kari@example.net")
    expect(reply.get_by_label("E-mail", exact=True)).to_be_checked()

    # A mistake comes back in place, on the same tab, with what was typed.
    reply.get_by_label("E-mail address").fill("kari(at)example")
    reply.get_by_label("Message").fill("Hei Kari,")
    reply.get_by_role("button", name="Send to customer").click()
    reply = page.get_by_role("tabpanel", name="Reply to customer")
    expect(reply.get_by_role("alert")).to_contain_text("kari(at)example is not an e-mail address.")
    expect(reply).to_be_visible()
    expect(reply.get_by_label("Message")).to_have_value("Hei Kari,")
    assert not OutboundMessage.objects.exists()
    reply.get_by_label("E-mail address").fill("kari@example.net")

    message = reply.get_by_label("Message")
    message.fill("Hei Kari,")
    message.press("End")
    reply.get_by_label("Insert a saved reply").select_option(label="Befaring")
    expect(message).to_have_value("Hei Kari,\nVi kommer på befaring mandag kl. 10.")

    reply.get_by_role("button", name="Send to customer").click()

    timeline = page.get_by_role("list", name="Case history, oldest first")
    entry = timeline.locator("li.event-message_out")
    expect(entry).to_contain_text("replied to the customer by e-mail")
    expect(entry).to_contain_text("kari@example.net")
    expect(entry).to_contain_text("Vi kommer på befaring mandag kl. 10.")
    expect(entry.locator(".message-status")).to_have_text(re.compile(r"^(Queued|Sending|Sent)$"))
    expect(page.locator("#case-live")).to_contain_text("queued for sending")
    assert page.evaluate("window.__sameDocument") is True
    # The composer is empty again, still on the reply tab.
    expect(
        page.get_by_role("tabpanel", name="Reply to customer").get_by_label("Message")
    ).to_have_value("")

    row = OutboundMessage.objects.get(organization=org, kind="reply")
    assert row.status == "sent"
    assert row.subject.endswith(f"[#{case.number}]")
    assert [m.to for m in mail.outbox] == [['"Kari Nordmann" <kari@example.net>']]

    # The page shows the outbox row's current status, not the one of the moment it was sent.
    page.reload()
    expect(
        page.get_by_role("list", name="Case history, oldest first").locator(
            "li.event-message_out .message-status"
        )
    ).to_have_text("Sent")
    case.refresh_from_db()
    assert case.first_response_at is not None


def test_failed_message_is_sent_again_from_the_history(page, live_server, tenant):
    org, caseworker = tenant.org, tenant.caseworker
    customer = CustomerFactory(organization=org, email="kari@example.net")
    case = make_case(org, caseworker, title="Knust vindu", customer=customer)
    from cases.services.messages import Outgoing, case_message_send

    event = case_message_send(
        org=org,
        actor=caseworker,
        case=case,
        kind=OutboundMessage.Kind.REPLY,
        message=Outgoing(text="Hei!", email="kari@example.net"),
    )[0]
    OutboundMessage.objects.filter(pk=event.outbound_message_id).update(
        status="failed", last_error="550 mailbox unavailable"
    )

    login(page, live_server, caseworker.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/{org.slug}/cases/{case.number}/")
    entry = page.locator(f"#event-{event.pk}")
    expect(entry.locator(".message-status")).to_have_text("Failed")
    expect(entry).to_contain_text("550 mailbox unavailable")

    entry.get_by_role("button", name="Send again").click()

    expect(page.locator(f"#event-{event.pk} .message-status")).to_have_text(
        re.compile(r"^(Queued|Sending|Sent)$")
    )
    expect(page.locator(f"#event-{event.pk}")).not_to_contain_text("550 mailbox unavailable")
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MESSAGE_OUT).count() == 1
    assert OutboundMessage.objects.get(pk=event.outbound_message_id).status == "sent"
