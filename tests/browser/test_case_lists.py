"""A caseworker filters the case list, selects every case on the page and assigns them at once,
then types in a phone call as a new case, picking the customer by searching for them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.browser.conftest import login
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_filter_select_all_and_assign_in_place(page, live_server, tenant):
    org, me = tenant.org, tenant.caseworker
    for title in ("Sprekk i flis", "Fukt i kjeller", "Dør som ikke lukker"):
        make_case(org, me, title=title, priority="high")
    make_case(org, me, title="Low one", priority="low")

    login(page, live_server, me.email, TEST_PASSWORD)
    page.goto(f"/{org.slug}/cases/")
    page.evaluate("window.__sameDocument = true")

    # Filtering replaces the table in place and puts the filter in the address bar.
    page.get_by_label("Priority", exact=True).first.select_option("high")
    page.get_by_role("button", name="Show cases").click()
    expect(page).to_have_url(re.compile(r"priority=high"))
    table = page.locator("#case-results table")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).not_to_contain_text("Low one")

    # Sorting by number (newest number first) keeps the filter and tells screen readers.
    page.get_by_role("link", name="No.").click()
    expect(page.locator('th[aria-sort="descending"]')).to_contain_text("No.")
    expect(table.locator("tbody tr")).to_have_count(3)

    # Select all on the page, then assign them to the admin, all without a reload.
    page.get_by_label("Select all cases on this page").check()
    page.get_by_label("Assign to").select_option(str(tenant.admin.pk))
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator("#case-results")).to_contain_text("3 cases changed.")
    assert page.evaluate("window.__sameDocument") is True
    assert Case.objects.filter(organization=org, assignee=tenant.admin).count() == 3
    assert not Case.objects.filter(title="Low one", assignee=tenant.admin).exists()


def test_new_case_from_a_phone_call_with_customer_search(page, live_server, tenant):
    org, me = tenant.org, tenant.caseworker
    kari = CustomerFactory(organization=org, name="Kari Nordmann", email="kari@example.net")
    CustomerFactory(organization=org, name="Ola Hansen")

    login(page, live_server, me.email, TEST_PASSWORD)
    page.goto(f"/{org.slug}/")
    page.get_by_role("link", name="New case").click()

    page.get_by_role("searchbox", name="Find customer").fill("Nordm")
    customer = page.get_by_label("Existing customer")
    expect(customer.locator("option", has_text="Kari Nordmann")).to_have_count(1)
    customer.select_option(str(kari.pk))
    page.get_by_label("Title").fill("Dør som ikke lukker")
    page.get_by_role("button", name="Create case").last.click()

    case = Case.objects.get(organization=org, title="Dør som ikke lukker")
    expect(page).to_have_url(re.compile(rf"/{org.slug}/cases/{case.number}/$"))
    assert case.customer == kari and case.source == "phone"
