"""A caseworker empties part of the tray: one inquiry into a case with edits, three in bulk."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Case
from inquiries.models import Channel, Inquiry
from inquiries.services.intake import inquiry_receive
from tests.browser.conftest import login
from tests.factories.organizations import TEST_PASSWORD

pytestmark = pytest.mark.browser


def _tray(page, count: int):
    return page.get_by_role("link", name=f"Inquiries: {count} unprocessed", exact=True)


def test_caseworker_converts_one_inquiry_with_edits_and_three_in_bulk(page, live_server, tenant):
    inquiries = [
        inquiry_receive(
            org=tenant.org,
            channel=Channel.WEB_FORM if n % 2 else Channel.PORTAL,
            sender_name=f"Resident {n}",
            sender_email=f"resident{n}@example.net",
            subject=f"Problem number {n}",
            message=f"Description of problem {n}",
        )
        for n in range(6)
    ]
    login(page, live_server, tenant.caseworker.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/{tenant.org.slug}/inquiries/")
    expect(_tray(page, 6)).to_be_visible()

    # The preview opens in the side panel without leaving the list.
    page.get_by_role("link", name="Problem number 5").click()
    expect(page.get_by_label("Preview")).to_contain_text("Description of problem 5")

    # The paper icon opens the pre-filled case form; change it before saving.
    first = inquiries[5]
    page.locator(f"#inquiry-{first.pk}").get_by_role("button", name="Create case").click()
    expect(page.get_by_label("Title")).to_have_value("Problem number 5")
    page.get_by_label("Title").fill("Problem 5, checked on the phone")
    page.get_by_label("Priority").select_option("high")
    page.get_by_label("Notify the customer").check()
    page.get_by_role("button", name="Save").click()

    # Back in the tray (issue 14), with the next inquiry open and the way to the new case.
    expect(page.get_by_role("heading", level=1)).to_have_text("Inquiries")
    expect(page.get_by_role("link", name="Open case")).to_be_visible()
    expect(page.get_by_text("the history shows when it is sent")).to_be_visible()
    expect(page.get_by_label("Preview")).to_contain_text("Description of problem 4")
    expect(_tray(page, 5)).to_be_visible()

    # Three more in one go, with "Create cases".
    for inquiry in inquiries[:3]:
        page.get_by_label(f"Select “{inquiry.subject}”").check()
    page.get_by_role("button", name="Create cases").click()

    expect(page.get_by_text("3 cases created.")).to_be_visible()
    expect(_tray(page, 2)).to_be_visible()
    assert Inquiry.objects.filter(organization=tenant.org, status="new").count() == 2

    edited = Case.objects.get(inquiry=first)
    assert (edited.title, edited.priority) == ("Problem 5, checked on the phone", "high")
    assert edited.notification_requests.filter(audience="customer", channel="email").exists()
    bulk = Case.objects.filter(inquiry__in=inquiries[:3])
    assert {c.category.key for c in bulk} == {"warranty_claim"}
