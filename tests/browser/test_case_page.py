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

    # In-place edits in the side panel: choosing a value saves it (no Save button); htmx swaps
    # the panel and the header; the page itself is never reloaded.
    page.evaluate("window.__sameDocument = true")
    panel = page.locator("#case-panel")
    expect(panel.get_by_role("button", name=re.compile("^Save"))).to_have_count(0)
    panel.get_by_role("link", name="Status: New. Change").click()
    page.get_by_role("combobox", name=re.compile(r"^Status")).select_option("in_progress")
    expect(_timeline(page)).to_contain_text("changed the status from New to In progress")
    expect(page.locator("#case-header .pill.status-in_progress")).to_be_visible()
    expect(panel.get_by_role("link", name="Status: In progress. Change")).to_be_focused()

    panel.get_by_role("link", name="Priority: Normal. Change").click()
    page.get_by_role("combobox", name=re.compile(r"^Priority")).select_option("high")
    expect(_timeline(page)).to_contain_text("changed the priority from Normal to High")
    # The toast's Undo puts the old value back, as an entry of its own.
    toast = page.locator("#case-toast")
    expect(toast).to_contain_text("Priority saved.")
    toast.get_by_role("button", name="Undo").click()
    expect(toast).to_contain_text("Priority changed back.")
    expect(_timeline(page)).to_contain_text("changed the priority from High to Normal")
    expect(panel.get_by_role("link", name="Priority: Normal. Change")).to_be_visible()

    panel.get_by_role("link", name=f"Assignee: {caseworker.full_name}. Change").click()
    assignee = page.get_by_role("combobox", name=re.compile(r"^Assignee"))
    assignee.select_option(label=colleague.full_name)
    expect(_timeline(page)).to_contain_text(f"changed the assignee from {caseworker.full_name}")
    assert page.evaluate("window.__sameDocument") is True
    case.refresh_from_db()
    assert (case.status, case.priority, case.assignee) == (
        Case.Status.IN_PROGRESS,
        Case.Priority.NORMAL,
        colleague,
    )

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


def test_keyboard_assigns_to_me_opens_status_and_lists_the_shortcuts(page, live_server, tenant):
    org, caseworker = tenant.org, tenant.caseworker
    case = make_case(org, tenant.admin, title="Knust vindu")
    login(page, live_server, caseworker.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/{org.slug}/cases/{case.number}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Knust vindu")

    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Assign the case to me")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.keyboard.press("a")
    panel = page.locator("#case-panel")
    mine = panel.get_by_role("link", name=f"Assignee: {caseworker.full_name}. Change")
    expect(mine).to_be_visible()
    case.refresh_from_db()
    assert case.assignee == caseworker

    page.keyboard.press("s")
    status = page.get_by_role("combobox", name=re.compile(r"^Status"))
    expect(status).to_be_focused()
    page.keyboard.press("Escape")  # closes the editor unsaved, back on the value
    expect(status).to_have_count(0)
    expect(panel.get_by_role("link", name="Status: New. Change")).to_be_focused()

    page.keyboard.press("n")
    expect(page.get_by_role("textbox", name="Internal note", exact=True)).to_be_focused()


def test_a_refused_value_keeps_the_saved_one_and_says_why(page, live_server, tenant):
    org, caseworker = tenant.org, tenant.caseworker
    case = make_case(org, caseworker, title="Feil dato")
    login(page, live_server, caseworker.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/{org.slug}/cases/{case.number}/")

    page.locator("#case-panel").get_by_role("link", name="Deadline: —. Change").click()
    deadline = page.locator("#prop-deadline input[type=date]")
    deadline.fill("1999-01-01")  # before the year 2000: refused by the date guard
    deadline.press("Enter")
    expect(page.locator("#case-toast")).to_contain_text("Deadline not saved:")
    expect(page.locator("#prop-deadline [role=alert]")).to_be_visible()
    expect(page.locator("#prop-deadline input[type=date]")).to_have_value("1999-01-01")
    case.refresh_from_db()
    assert case.deadline is None


def test_add_task_form_loads_when_opened_and_adds_the_task(page, live_server, tenant):
    org, caseworker = tenant.org, tenant.caseworker
    case = make_case(org, caseworker, title="Trenger oppgave")
    login(page, live_server, caseworker.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/{org.slug}/cases/{case.number}/")

    expect(page.locator("#case-tasks select")).to_have_count(0)
    page.locator("#case-tasks summary", has_text="Add task").click()
    page.get_by_role("textbox", name=re.compile(r"^Task")).fill("Bytt pakning")
    page.get_by_role("combobox", name="Colleague").select_option(label=tenant.admin.full_name)
    page.get_by_role("button", name="Add task").click()
    expect(page.locator("#case-tasks .task-list")).to_contain_text("Bytt pakning")
    assert case.tasks.get().assignee == tenant.admin
