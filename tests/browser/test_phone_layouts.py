"""Issue 14: the staff pages work on a phone (360 px) and at 400 % zoom (a 320 px viewport):
no page-wide horizontal scroll, the user menu and the tray's subjects in view, tables as cards;
and on every screen the bulk bar appears only with a selection and the case list's filters
leave room for the cases."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.phone_support import (
    DESKTOP,
    LONG_TITLE,
    PHONE,
    ZOOM_400,
    fill_inbox,
    fill_tray,
    page_scrolls_sideways,
    right_edge_inside,
)
from tests.factories.organizations import TEST_PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def colleague(tenant):
    user = UserFactory(email="kollega.med.langt.navn@alpha.example", full_name="Kollega Alpha")
    MembershipFactory(organization=tenant.org, user=user, role="caseworker")
    return user


@pytest.mark.parametrize("size", [PHONE, ZOOM_400], ids=["360px", "400pct-zoom"])
def test_inbox_fits_the_phone_with_the_user_menu_in_reach(
    page, live_server, tenant, other_tenant, colleague, size
):
    fill_inbox(tenant, colleague)
    # A second organization puts its switcher in the top bar too.
    MembershipFactory(organization=other_tenant.org, user=tenant.caseworker, role="caseworker")
    page.set_viewport_size(size)
    login(page, live_server, tenant.caseworker.email, TEST_PASSWORD)
    page.goto(f"/{tenant.org.slug}/")

    expect(page.get_by_role("link", name=LONG_TITLE)).to_be_visible()
    assert not page_scrolls_sideways(page)
    switcher = page.locator(".org-switcher > summary")
    expect(switcher).to_be_visible()
    switcher.click()
    expect(page.get_by_role("link", name=other_tenant.org.name)).to_be_visible()
    assert right_edge_inside(page, page.locator(".org-switcher > ul"))
    switcher.click()
    menu = page.locator(".user-menu > summary")
    expect(menu).to_be_visible()
    assert right_edge_inside(page, menu)

    # The user menu opens inside the screen.
    menu.click()
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()
    assert right_edge_inside(page, page.locator(".user-menu .dropdown-body"))
    assert not page_scrolls_sideways(page)

    # Each row is a card that says why the case is mine.
    row = page.locator("#case-results tbody tr").filter(has_text=LONG_TITLE)
    expect(row).to_contain_text("Assigned to you")
    assert right_edge_inside(page, row)


@pytest.mark.parametrize("size", [PHONE, ZOOM_400], ids=["360px", "400pct-zoom"])
def test_tray_fits_the_phone_with_subjects_in_view(page, live_server, tenant, size):
    inquiries = fill_tray(tenant)
    page.set_viewport_size(size)
    login(page, live_server, tenant.caseworker.email, TEST_PASSWORD)
    page.goto(f"/{tenant.org.slug}/inquiries/")

    subject = page.get_by_role("link", name=inquiries[0].subject)
    expect(subject).to_be_visible()
    assert right_edge_inside(page, subject)
    assert not page_scrolls_sideways(page)

    subject.click()
    expect(page.get_by_label("Preview")).to_contain_text("Det drypper fra taket")
    assert not page_scrolls_sideways(page)


@pytest.mark.parametrize("size", [PHONE, ZOOM_400], ids=["360px", "400pct-zoom"])
def test_case_list_fits_the_phone(page, live_server, tenant, colleague, size):
    fill_inbox(tenant, colleague)
    page.set_viewport_size(size)
    login(page, live_server, tenant.caseworker.email, TEST_PASSWORD)
    page.goto(f"/{tenant.org.slug}/cases/")

    expect(page.get_by_role("link", name=LONG_TITLE)).to_be_visible()
    assert not page_scrolls_sideways(page)


@pytest.mark.parametrize("size", [PHONE, ZOOM_400], ids=["360px", "400pct-zoom"])
def test_case_page_fits_the_phone(page, live_server, tenant, colleague, size):
    cases = fill_inbox(tenant, colleague)
    page.set_viewport_size(size)
    login(page, live_server, tenant.caseworker.email, TEST_PASSWORD)
    page.goto(f"/{tenant.org.slug}/cases/{cases[0].number}/")

    expect(page.get_by_role("heading", level=1)).to_contain_text(LONG_TITLE)
    assert not page_scrolls_sideways(page)


def test_bulk_bar_appears_with_the_first_selection_only(page, live_server, tenant, colleague):
    fill_inbox(tenant, colleague)
    page.set_viewport_size(DESKTOP)
    login(page, live_server, tenant.caseworker.email, TEST_PASSWORD)
    page.goto(f"/{tenant.org.slug}/?tab=all")

    bar = page.get_by_role("group", name="With the selected cases")
    expect(bar).to_be_hidden()
    page.locator('#case-results input[name="ids"]').first.check()
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("1 case selected")
    page.get_by_label("Select all cases on this page").check()
    expect(bar).to_contain_text("5 cases selected")
    page.get_by_label("Select all cases on this page").uncheck()
    expect(bar).to_be_hidden()

    # A tab with no cases has no bulk bar at all.
    page.get_by_role("link", name="Closed").click()
    expect(page.locator("#case-results")).to_contain_text("No cases match.")
    expect(page.locator("[data-bulk-bar]")).to_have_count(0)


def test_case_list_filters_leave_the_cases_on_the_first_screen(
    page, live_server, tenant, colleague
):
    fill_inbox(tenant, colleague)
    page.set_viewport_size(DESKTOP)
    login(page, live_server, tenant.caseworker.email, TEST_PASSWORD)
    page.goto(f"/{tenant.org.slug}/cases/")

    first_row = page.locator("#case-results tbody tr").first
    expect(first_row).to_be_visible()
    assert first_row.bounding_box()["y"] < DESKTOP["height"] - 40
    more = page.locator("details.more-filters")
    expect(more).not_to_have_attribute("open", "")
    expect(page.get_by_label("Team")).to_be_hidden()

    # A filter set among the folded ones keeps them open, and says how many are set.
    page.goto(f"/{tenant.org.slug}/cases/?overdue=on")
    expect(more).to_have_attribute("open", "")
    expect(more.locator("summary")).to_contain_text("1 set")


def test_other_staff_pages_fit_the_phone_too(page, live_server, tenant, colleague):
    """Tables elsewhere (members, customers...) scroll inside themselves, forms shrink."""
    cases = fill_inbox(tenant, colleague)
    inquiries = fill_tray(tenant, count=1)
    page.set_viewport_size(PHONE)
    login(page, live_server, tenant.admin.email, TEST_PASSWORD)
    paths = [
        "cases/new/",
        f"cases/{cases[1].number}/",
        f"inquiries/{inquiries[0].pk}/",
        f"inquiries/{inquiries[0].pk}/convert/",
        "deviations/",
        "customers/",
        "properties/",
        "settings/",
        "notifications/",
    ]
    wide = []
    for path in paths:
        response = page.goto(f"/{tenant.org.slug}/{path}")
        assert response is not None and response.status == 200, path
        if page_scrolls_sideways(page):
            wide.append(path)
    assert wide == []


def test_tray_bulk_actions_appear_with_the_first_selection_only(page, live_server, tenant):
    inquiries = fill_tray(tenant, count=3)
    page.set_viewport_size(DESKTOP)
    login(page, live_server, tenant.caseworker.email, TEST_PASSWORD)
    page.goto(f"/{tenant.org.slug}/inquiries/")

    create = page.get_by_role("button", name="Create cases")
    expect(create).to_be_hidden()
    page.locator(f"#pick-{inquiries[0].pk}").check()
    expect(create).to_be_visible()
    expect(page.locator("[data-bulk-count]")).to_have_text("1 inquiry selected")
    page.get_by_label("Select all on this page").check()
    expect(page.locator("[data-bulk-count]")).to_have_text("3 inquiries selected")
    page.get_by_label("Select all on this page").uncheck()
    expect(create).to_be_hidden()
