"""Issue 14: axe-core finds no serious or critical WCAG 2.1 A/AA violation on the staff pages
caseworkers live in — the inbox, the case list, the tray with an inquiry open and the case
page — on a desktop and on a phone, nor on the error pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.conftest import login
from tests.browser.phone_support import DESKTOP, PHONE, fill_inbox, fill_tray
from tests.factories.organizations import TEST_PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser
SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])


@pytest.fixture
def colleague(tenant):
    user = UserFactory(email="kollega@alpha.example", full_name="Kollega Alpha")
    MembershipFactory(organization=tenant.org, user=user, role="caseworker")
    return user


@pytest.fixture
def signed_in(page, live_server, tenant, colleague):
    cases = fill_inbox(tenant, colleague)
    fill_tray(tenant)
    login(page, live_server, tenant.caseworker.email, TEST_PASSWORD)
    return cases


def _assert_clean(page) -> None:
    assert axe_violations(page) == [], page.url


@SIZES
def test_inbox_has_no_serious_violation(page, tenant, signed_in, size):
    page.set_viewport_size(size)
    page.goto(f"/{tenant.org.slug}/?tab=all")
    expect(page.locator("#case-results tbody tr")).to_have_count(len(signed_in))
    _assert_clean(page)

    # With a case ticked the bulk bar is part of the page too.
    page.locator('#case-results input[name="ids"]').first.check()
    expect(page.locator("[data-bulk-bar]")).to_be_visible()
    _assert_clean(page)


@SIZES
def test_case_list_has_no_serious_violation(page, tenant, signed_in, size):
    page.set_viewport_size(size)
    page.goto(f"/{tenant.org.slug}/cases/")
    expect(page.locator("#case-results tbody tr")).to_have_count(len(signed_in))
    _assert_clean(page)
    page.locator("details.more-filters > summary").click()
    _assert_clean(page)


@SIZES
def test_tray_with_an_inquiry_open_has_no_serious_violation(page, tenant, signed_in, size):
    page.set_viewport_size(size)
    page.goto(f"/{tenant.org.slug}/inquiries/")
    _assert_clean(page)
    page.locator(".inquiry-table tbody a[hx-target]").first.click()
    expect(page.get_by_label("Preview")).to_contain_text("Det drypper fra taket")
    _assert_clean(page)


@SIZES
def test_case_page_has_no_serious_violation(page, tenant, signed_in, size):
    page.set_viewport_size(size)
    page.goto(f"/{tenant.org.slug}/cases/{signed_in[0].number}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _assert_clean(page)


def test_error_pages_have_no_serious_violation(page, live_server, tenant):
    page.goto("/no/such/page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    _assert_clean(page)
    login(page, live_server, tenant.supplier.email, TEST_PASSWORD)
    page.goto(f"/{tenant.org.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("No access")
    _assert_clean(page)
