"""In a real browser: link a customer to a property from the property page with the keyboard,
see a refused duplicate explained in place (htmx swaps the 400 answer), then unlink."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from customers.models import ContactRole
from tests.browser.conftest import browser, login, page  # noqa: F401  (the shared harness)
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import TEST_PASSWORD
from tests.factories.properties import PropertyFactory

pytestmark = pytest.mark.browser


def test_caseworker_links_a_contact_sees_a_duplicate_refused_and_unlinks(
    page,  # noqa: F811
    live_server,
    tenant,
):
    CustomerFactory(organization=tenant.org, name="Ingrid Solberg", email="ingrid@epost.example")
    CustomerFactory(organization=tenant.org, name="Nora Bakken", email="nora@epost.example")
    home = PropertyFactory(organization=tenant.org, name="Leilighet A-H0101")

    login(page, live_server, tenant.caseworker.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/{tenant.org.slug}/properties/{home.pk}/")
    section = page.locator("#contact-roles")
    expect(section.get_by_text("No contacts.")).to_be_visible()

    section.get_by_text("Add a contact").click()
    section.get_by_label("Search for customer").fill("Ingrid")
    picker = section.get_by_role("combobox", name="Customer", exact=True)
    expect(picker.locator("option")).to_have_count(2)  # "—" and Ingrid: the search narrowed it
    picker.select_option(label="Ingrid Solberg – ingrid@epost.example")
    section.get_by_role("combobox", name="Role").select_option("owner")
    section.get_by_role("button", name="Add contact").press("Enter")

    status = page.locator("#contact-roles-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text("Contact added.")
    expect(section.get_by_role("link", name="Ingrid Solberg", exact=True)).to_be_visible()
    assert ContactRole.objects.get().customer.name == "Ingrid Solberg"

    section.get_by_text("Add a contact").click()
    section.get_by_role("combobox", name="Customer", exact=True).select_option(
        label="Ingrid Solberg – ingrid@epost.example"
    )
    section.get_by_role("button", name="Add contact").click()
    expect(section.get_by_role("alert")).to_contain_text(
        "Ingrid Solberg already has this role for this property."
    )

    page.once("dialog", lambda dialog: dialog.accept())
    section.get_by_role("button", name="Unlink").click()
    expect(status).to_contain_text("Contact role ended today")
    expect(section.get_by_text("ended", exact=True)).to_be_visible()
