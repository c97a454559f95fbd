"""A caseworker works a case in place (status, assignee, an @mention note) and the mentioned
colleague follows the bell's notification back to the case."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from notifications.models import Notification
from tests.browser.conftest import login
from tests.factories.cases import make_case
from tests.factories.organizations import TEST_PASSWORD

pytestmark = pytest.mark.browser


def _timeline(page):
    return page.get_by_role("list", name="Case history, oldest first")


def test_caseworker_updates_a_case_in_place_and_mentions_a_colleague(page, live_server, tenant):
    org, caseworker, colleague = tenant.org, tenant.caseworker, tenant.admin
    case = make_case(org, colleague, title="Lekkasje i kjelleren", assignee=caseworker)
    Notification.objects.all().delete()  # start with an empty bell for the colleague
    case_path = f"/{org.slug}/cases/{case.number}/"

    login(page, live_server, caseworker.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/{org.slug}/")
    page.get_by_role("link", name="Lekkasje i kjelleren").click()
    expect(page).to_have_url(f"{live_server.url}{case_path}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lekkasje i kjelleren")

    # In-place edits: htmx swaps the header; the page itself is never reloaded.
    page.evaluate("window.__sameDocument = true")
    page.get_by_label(re.compile(r"^Status")).select_option("in_progress")
    page.get_by_role("button", name="Save Status").click()
    expect(_timeline(page)).to_contain_text("changed the status from New to In progress")
    expect(page.locator("#case-header .pill.status-in_progress")).to_be_visible()

    page.get_by_label(re.compile(r"^Assignee")).select_option(label=colleague.full_name)
    page.get_by_role("button", name="Save Assignee").click()
    expect(_timeline(page)).to_contain_text(f"changed the assignee from {caseworker.full_name}")
    assert page.evaluate("window.__sameDocument") is True
    case.refresh_from_db()
    assert (case.status, case.assignee) == (Case.Status.IN_PROGRESS, colleague)

    # An internal note with an @mention picked from the list with the keyboard.
    note = page.get_by_role("textbox", name="Internal note", exact=True)
    note.click()
    page.keyboard.type("Hei @Adm")
    option = page.get_by_role("listbox", name="People to mention").get_by_role(
        "option", name=re.compile(colleague.full_name)
    )
    expect(option).to_be_visible()
    expect(option).to_have_attribute("aria-selected", "true")
    expect(note).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    page.keyboard.press("Enter")
    # The box reads as the note will (issue 14); the request carries the mention's token.
    expect(note).to_have_value(f"Hei @{colleague.full_name} ")
    page.keyboard.type("kan du ta en titt?")
    page.get_by_role("button", name="Add internal note").click()
    expect(_timeline(page).locator("mark.mention")).to_have_text(f"@{colleague.full_name}")
    expect(page.get_by_role("textbox", name="Internal note", exact=True)).to_have_value("")
    assert page.evaluate("window.__sameDocument") is True

    # The colleague signs in: the bell shows the unread count and leads back to the case.
    page.context.clear_cookies()
    login(page, live_server, colleague.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/{org.slug}/")
    bell = page.locator("#bell > summary")
    expect(bell).to_have_attribute("aria-label", "Notifications: 2 unread")  # assigned + mention
    expect(page.locator("#bell .bell-count")).to_have_text("2")
    bell.click()
    mention = page.get_by_role("button", name=re.compile(f"{caseworker.full_name} mentioned you"))
    expect(mention).to_be_visible()
    mention.click()

    expect(page).to_have_url(re.compile(rf"{re.escape(case_path)}#note-\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lekkasje i kjelleren")
    expect(page.locator("mark.mention")).to_have_text(f"@{colleague.full_name}")
    expect(page.locator("#bell > summary")).to_have_attribute(
        "aria-label", "Notifications: 1 unread"
    )
