"""The top bar's search box in a browser: suggestions appear as one types, the keyboard moves
through them (combobox: aria-expanded, aria-activedescendant, aria-selected), Enter opens the
chosen one, Escape closes the list, and submitting shows the grouped results page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser, login, page  # noqa: F401  (the shared harness)
from tests.factories.cases import make_case
from tests.factories.organizations import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_suggestions_as_you_type_and_by_keyboard(
    page,  # noqa: F811
    live_server,
    tenant,
):
    org, me = tenant.org, tenant.caseworker
    case = make_case(org, me, title="Fukt i kjeller")
    make_case(org, me, title="Sprekk i flis")

    login(page, live_server, me.email, TEST_PASSWORD)
    page.goto(f"/{org.slug}/")
    box = page.get_by_role("combobox", name="Search")
    box.fill("fukt")
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option").first).to_contain_text("Fukt i kjeller")
    expect(listbox).not_to_contain_text("Sprekk i flis")

    box.press("ArrowDown")
    first = listbox.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")

    box.press("ArrowDown")  # opens the list again
    expect(listbox).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(re.compile(rf"/{org.slug}/cases/{case.number}/$"))

    # Enter without choosing a suggestion submits: the results page, grouped by kind.
    box = page.get_by_role("combobox", name="Search")
    box.fill("kjeller")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=kjeller"))
    expect(page.get_by_role("heading", name=re.compile("^Cases"))).to_be_visible()
    expect(page.locator("#search-results")).to_contain_text("Fukt i kjeller")
