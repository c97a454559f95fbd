"""The residents' portal in a browser: sign in by an e-mailed link (and by keyboard alone), see
My requests, open a case and answer it; axe-core finds no serious or critical violation on the
sign-in, home, case and profile pages at a phone and a desktop size."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cases.models import CaseEvent
from cases.services.messages import Outgoing, case_message_send
from notifications.models import OutboundMessage
from portal.models import ResidentAccount
from tests.browser.axe import axe_violations
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory

pytestmark = pytest.mark.browser

LINK_PATH = re.compile(r"https?://[^/\s]+(/portal/[a-z0-9-]+/link/[A-Za-z0-9_-]+/)")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def resident(tenant):
    customer = CustomerFactory(
        organization=tenant.org, name="Kari Nordmann", email="kari@example.net"
    )
    return ResidentAccount.objects.create(
        organization=tenant.org, customer=customer, email=customer.email
    )


@pytest.fixture
def answered_case(tenant, resident):
    case = make_case(
        tenant.org,
        tenant.caseworker,
        title="Lekkasje i kjelleren",
        description="Vann på gulvet i boden.",
        customer=resident.customer,
        assignee=tenant.caseworker,
        visible_to_customer=True,
    )
    case_message_send(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        kind=OutboundMessage.Kind.REPLY,
        message=Outgoing(text="Vi kommer på befaring mandag.", email=resident.email),
    )
    return case


def sign_in_by_link(page: Page, live_server, org, email: str) -> None:
    page.goto(f"{live_server.url}/portal/{org.slug}/sign-in/")
    form = page.get_by_role("region", name="Get a sign-in link by e-mail")
    form.get_by_label("E-mail address").fill(email)
    form.get_by_role("button", name="E-mail me a link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    row = OutboundMessage.objects.filter(organization=org, to=email).latest("pk")
    path = LINK_PATH.search(row.body_text).group(1)
    page.goto(live_server.url + path)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My requests")).to_be_visible()


def test_resident_signs_in_by_link_opens_a_case_and_answers(
    page, live_server, tenant, resident, answered_case
):
    sign_in_by_link(page, live_server, tenant.org, resident.email)
    page.get_by_role("link", name="Lekkasje i kjelleren").click()
    expect(page.get_by_role("heading", name="Lekkasje i kjelleren")).to_be_visible()
    expect(page.get_by_text("Vi kommer på befaring mandag.")).to_be_visible()
    page.get_by_label("Your message").fill("Mandag passer fint.")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("status")).to_contain_text("Your message is sent.")
    expect(page.get_by_text("Mandag passer fint.")).to_be_visible()
    event = CaseEvent.objects.get(case=answered_case, kind=CaseEvent.Kind.MESSAGE_IN)
    assert event.data["channel"] == "portal"
    assert event.data["text"] == "Mandag passer fint."


def test_a_refused_message_keeps_the_text_and_points_at_the_field(
    page, live_server, tenant, resident, answered_case
):
    sign_in_by_link(page, live_server, tenant.org, resident.email)
    page.goto(f"{live_server.url}/portal/{tenant.org.slug}/cases/{answered_case.number}/")
    page.get_by_role("button", name="Send message").click()
    field = page.get_by_label("Your message")
    expect(field).to_have_attribute("aria-invalid", "true")
    described = field.get_attribute("aria-describedby")
    expect(page.locator(f"#{described.split()[0]}")).to_have_text("Write a message or add a file.")


def test_keyboard_only_sign_in_with_a_link(page, live_server, tenant, resident):
    page.goto(f"{live_server.url}/portal/{tenant.org.slug}/sign-in/")
    # The first Tab reaches the skip link; following it moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.keyboard.press("Enter")
    for _step in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_link-email":
            break
    else:
        pytest.fail("Tab never reached the e-mail field")
    page.keyboard.type(resident.email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "E-mail me a link"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    row = OutboundMessage.objects.filter(organization=tenant.org).latest("pk")
    page.goto(live_server.url + LINK_PATH.search(row.body_text).group(1))
    for _step in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip() == "Sign in":
            break
    else:
        pytest.fail("Tab never reached the Sign in button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My requests")).to_be_visible()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_portal_pages_have_no_serious_accessibility_violations(
    page, live_server, tenant, resident, answered_case, size
):
    page.set_viewport_size(size)
    base = f"{live_server.url}/portal/{tenant.org.slug}"
    page.goto(f"{base}/sign-in/")
    assert axe_violations(page) == [], "sign-in"
    # A rejected form (errors shown next to the fields) too.
    page.get_by_role("region", name="Get a sign-in link by e-mail").get_by_role(
        "button", name="E-mail me a link"
    ).click()
    assert axe_violations(page) == [], "sign-in with errors"
    sign_in_by_link(page, live_server, tenant.org, resident.email)
    for name, path in (
        ("home", "/"),
        ("case", f"/cases/{answered_case.number}/"),
        ("profile", "/profile/"),
    ):
        page.goto(base + path)
        assert axe_violations(page) == [], name


def test_pages_reflow_at_400_percent_zoom(page, live_server, tenant, resident, answered_case):
    """1280 px at 400 % zoom is a 320 px wide viewport (WCAG 1.4.10): nothing scrolls sideways."""
    page.set_viewport_size({"width": 320, "height": 256})
    base = f"{live_server.url}/portal/{tenant.org.slug}"
    page.goto(f"{base}/sign-in/")
    overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(overflow) <= 0
    sign_in_by_link(page, live_server, tenant.org, resident.email)
    for path in ("/", f"/cases/{answered_case.number}/", "/profile/"):
        page.goto(base + path)
        assert page.evaluate(overflow) <= 0, path
