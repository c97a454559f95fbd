"""A colleague chooses e-mail for mentions on "My notifications"; a caseworker mentions them in
a note on the case page, and the e-mail leaves through the outbox of the live server."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import expect

from notifications.models import OutboundMessage
from tests.browser.conftest import login
from tests.factories.cases import make_case
from tests.factories.organizations import TEST_PASSWORD

pytestmark = pytest.mark.browser


def _wait_for_sent(kind: str, timeout: float = 10.0) -> OutboundMessage:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = OutboundMessage.objects.filter(kind=kind).first()
        if row is not None and row.status == OutboundMessage.Status.SENT:
            return row
        time.sleep(0.1)
    raise AssertionError(f"no {kind} message was sent: {list(OutboundMessage.objects.all())}")


def test_mentioned_colleague_who_chose_email_gets_one(page, live_server, tenant, settings):
    settings.SITE_URL = live_server.url
    org, caseworker, colleague = tenant.org, tenant.caseworker, tenant.admin
    colleague.notify_mentions_by_email = False
    colleague.save()
    case = make_case(org, caseworker, title="Lekkasje i kjelleren")

    # The colleague asks for mentions by e-mail, from the user menu.
    login(page, live_server, colleague.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/{org.slug}/")
    page.locator("details.user-menu > summary").click()
    page.get_by_role("link", name="My notifications").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My notifications")
    mentions = page.get_by_role("group", name="When someone mentions me in a note")
    mentions.get_by_label("E-mail me at once, and show it in the app").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    colleague.refresh_from_db()
    assert colleague.notify_mentions_by_email is True

    # A caseworker mentions them in an internal note.
    page.context.clear_cookies()
    login(page, live_server, caseworker.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/{org.slug}/cases/{case.number}/")
    note = page.get_by_role("textbox", name="Internal note", exact=True)
    note.click()
    page.keyboard.type("Hei @Adm")
    option = page.get_by_role("listbox", name="People to mention").get_by_role(
        "option", name=re.compile(colleague.full_name)
    )
    expect(option).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.type("kan du ta en titt?")
    page.get_by_role("button", name="Add internal note").click()
    expect(page.locator("mark.mention").first).to_have_text(f"@{colleague.full_name}")

    row = _wait_for_sent(OutboundMessage.Kind.MENTION)
    assert row.to == colleague.email
    assert row.headers["Auto-Submitted"] == "auto-generated"
    assert "kan du ta en titt?" in row.body_text
    sent = [m for m in mail.outbox if colleague.email in m.to[0]]
    assert len(sent) == 1
    assert sent[0].subject == f"{caseworker.full_name} mentioned you on case {case.number}"
    link = re.search(r"https?://\S+#note-\d+", sent[0].body).group(0)
    assert link.startswith(f"{live_server.url}/{org.slug}/cases/{case.number}/")

    # The link in the e-mail leads the colleague to the note.
    page.context.clear_cookies()
    login(page, live_server, colleague.email, TEST_PASSWORD)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lekkasje i kjelleren")
