"""Issue 14: a caseworker works through the tray without leaving it — three inquiries become
cases one after the other from the preview, each time opening the next."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Case
from inquiries.models import Channel, Inquiry
from inquiries.services.intake import inquiry_receive
from tests.browser.conftest import login
from tests.factories.organizations import TEST_PASSWORD
from tests.inquiries.conftest import make_customer

pytestmark = pytest.mark.browser


def test_three_inquiries_in_a_row_from_the_tray(page, live_server, tenant):
    inquiries = [
        inquiry_receive(
            org=tenant.org,
            channel=Channel.WEB_FORM,
            sender_name=f"Resident {n}",
            sender_email=f"resident{n}@example.net",
            subject=f"Problem number {n}",
            message=f"Description of problem {n}",
        )
        for n in range(4)
    ]
    make_customer(organization=tenant.org, name="Known Resident", email="resident0@example.net")
    login(page, live_server, tenant.caseworker.email, TEST_PASSWORD)
    tray_url = f"{live_server.url}/{tenant.org.slug}/inquiries/"
    page.goto(tray_url)
    preview = page.get_by_label("Preview")
    page.get_by_role("link", name="Problem number 3").click()
    expect(preview).to_contain_text("Description of problem 3")

    # Newest first: 3, 2, 1 become cases; each "Create case" opens the one below.
    for n in (3, 2, 1):
        expect(preview.get_by_role("heading", name=f"Problem number {n}")).to_be_visible()
        preview.get_by_role("button", name="Create case").click()
        expect(preview.get_by_role("heading", name=f"Problem number {n - 1}")).to_be_visible()
        case = Case.objects.get(inquiry=inquiries[n])
        expect(preview.get_by_text(f"Case #{case.number} was created.")).to_be_visible()
        expect(preview.get_by_role("link", name=f"Open case #{case.number}")).to_have_attribute(
            "href", f"/{tenant.org.slug}/cases/{case.number}/"
        )
        expect(page.locator(f"#inquiry-{inquiries[n].pk}")).to_have_count(0)
        expect(preview.get_by_role("heading", name=f"Problem number {n - 1}")).to_be_visible()
        assert page.url == tray_url

    assert Inquiry.objects.filter(organization=tenant.org, status="new").count() == 1
    tray_link = page.get_by_role("link", name="Inquiries: 1 unprocessed", exact=True)
    expect(tray_link).to_be_visible()
    expect(page.locator(f"#inquiry-{inquiries[0].pk}")).to_be_visible()

    # The form hides the "New customer" details while an existing customer is chosen.
    preview.get_by_role("link", name="Edit, then create case").click()
    customer = page.get_by_label("Customer", exact=True)
    new_block = page.locator("[data-new-customer]")
    # The rule matches the sender's e-mail: the known customer is chosen, no new one offered.
    expect(customer.locator("option:checked")).to_contain_text("Known Resident")
    expect(new_block).to_be_hidden()
    customer.select_option(index=0)
    expect(new_block).to_be_visible()
