"""The resident portal end to end: a resident signs in by an e-mailed link, files an inquiry
with a photo (a first attempt without a description keeps the photo), a caseworker converts it
and replies from the case page, the resident reads the reply and answers, and the answer shows
on the staff case page. axe-core finds no serious or critical violation on the portal pages,
at a phone and a desktop size."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from cases.models import Case, CaseEvent
from customers.models import ContactRole
from inquiries.models import Channel, Inquiry
from notifications.models import OutboundMessage
from portal.inquiry.services import inquiry_form_save
from portal.inquiry_forms import default_fields
from tests.browser.axe import axe_violations
from tests.browser.conftest import TIMEOUT_MS, login
from tests.factories.customers import ContactRoleFactory
from tests.factories.organizations import TEST_PASSWORD
from tests.factories.properties import PropertyFactory
from tests.portal.conftest import make_resident

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
LINK = re.compile(r"https?://[^\s]+/portal/[a-z0-9-]+/link/[A-Za-z0-9_-]+/")


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def _no_axe_violations(page) -> None:
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert axe_violations(page) == [], f"{page.url} at {size['width']}x{size['height']}"


@pytest.fixture(autouse=True)
def _media_and_site(settings, tmp_path, live_server):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = live_server.url


def test_resident_files_an_inquiry_and_talks_with_the_caseworker(
    browser, page, live_server, tenant
):
    org = tenant.org
    resident = make_resident(org, email="rita@example.net", name="Rita Resident")
    home = PropertyFactory(organization=org, address="Solsidevegen 4B")
    ContactRoleFactory(customer=resident.customer, property=home, role=ContactRole.Role.RESIDENT)

    # Sign in with a link read from the outbox.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/portal/{org.slug}/")
    link_section = page.get_by_role("region", name="Get a sign-in link by e-mail")
    link_section.get_by_label("E-mail address").fill("rita@example.net")
    link_section.get_by_role("button", name="E-mail me a link").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    row = OutboundMessage.objects.filter(organization=org, to="rita@example.net").latest("pk")
    page.goto(LINK.search(row.body_text).group(0))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My requests")).to_be_visible()

    # A first try without a description: the photo is kept, with its preview.
    page.get_by_role("link", name="New inquiry").click()
    expect(page.get_by_role("heading", level=1, name="General inquiry")).to_be_visible()
    _no_axe_violations(page)
    page.get_by_label("Solsidevegen 4B").check()
    page.get_by_label("Where in the building?").fill("Bathroom")
    page.get_by_label("Photos and documents").set_input_files(
        [{"name": "ceiling.png", "mimeType": "image/png", "buffer": _png()}]
    )
    expect(page.locator(".file-previews img")).to_have_count(1)  # the script's preview
    page.get_by_role("button", name="Send inquiry").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the marked fields.")
    expect(page.get_by_label("What is it about?")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Where in the building?")).to_have_value("Bathroom")
    kept = page.get_by_role("group", name="Files you have added")
    expect(kept).to_contain_text("ceiling.png")
    preview = kept.locator("img")
    expect(preview).to_have_count(1)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=preview.element_handle()
    )
    _no_axe_violations(page)

    page.get_by_label("What is it about?").fill("Water drips from the bathroom ceiling.")
    page.get_by_role("button", name="Send inquiry").click()
    expect(page.get_by_text("We have received your inquiry")).to_be_visible()
    _no_axe_violations(page)
    inquiry = Inquiry.objects.get(organization=org)
    assert (inquiry.channel, inquiry.customer, inquiry.property) == (
        Channel.PORTAL,
        resident.customer,
        home,
    )
    assert [a.original_name for a in inquiry.attachments.all()] == ["ceiling.png"]

    # The caseworker converts it and replies from the case page.
    staff_context = browser.new_context(locale="en", base_url=live_server.url)
    staff_context.set_default_timeout(TIMEOUT_MS)
    staff = staff_context.new_page()
    login(staff, live_server, tenant.caseworker.email, TEST_PASSWORD)
    staff.goto(f"{live_server.url}/{org.slug}/inquiries/")
    staff.locator(f"#inquiry-{inquiry.pk}").get_by_role("button", name="Create case").click()
    staff.get_by_role("button", name="Save").click()
    staff.get_by_role("link", name="Open case").click()
    case = Case.objects.get(inquiry=inquiry)
    assert case.customer == resident.customer and case.visible_to_customer
    staff.get_by_role("tab", name="Reply to customer").click()
    reply = staff.get_by_role("tabpanel", name="Reply to customer")
    reply.get_by_label("Message").fill("We will come on Monday at 10 to look at it.")
    reply.get_by_role("button", name="Send to customer").click()
    expect(
        staff.get_by_role("list", name="Case history, oldest first").locator("li.event-message_out")
    ).to_contain_text("We will come on Monday at 10")

    # The resident sees the reply in the portal and answers.
    page.goto(f"{live_server.url}/portal/{org.slug}/")
    page.get_by_role("link", name=case.title).click()
    conversation = page.locator("#conversation")
    expect(conversation).to_contain_text("We will come on Monday at 10 to look at it.")
    _no_axe_violations(page)
    page.get_by_label("Your message").fill("Monday suits me, the door code is 4321.")
    page.get_by_role("button", name="Send message").click()
    expect(page.locator("#conversation")).to_contain_text("Monday suits me")

    # The answer shows on the staff case page.
    staff.reload()
    expect(staff.get_by_role("list", name="Case history, oldest first")).to_contain_text(
        "Monday suits me, the door code is 4321."
    )
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MESSAGE_IN).exists()
    staff_context.close()


def test_form_chooser_has_no_accessibility_violations(page, live_server, tenant):
    org = tenant.org
    for name in ("Leaking tap", "Noise from neighbours"):
        inquiry_form_save(org=org, actor=tenant.admin, name=name, fields=default_fields())
    make_resident(org, email="rita@example.net")
    page.goto(f"{live_server.url}/portal/{org.slug}/")
    section = page.get_by_role("region", name="Get a sign-in link by e-mail")
    section.get_by_label("E-mail address").fill("rita@example.net")
    section.get_by_role("button", name="E-mail me a link").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    row = OutboundMessage.objects.filter(organization=org, to="rita@example.net").latest("pk")
    page.goto(LINK.search(row.body_text).group(0))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="New inquiry").click()
    expect(page.get_by_role("link", name="Noise from neighbours")).to_be_visible()
    _no_axe_violations(page)
    page.get_by_role("link", name="Noise from neighbours").click()
    expect(page.get_by_role("heading", level=1, name="Noise from neighbours")).to_be_visible()
    # Without homes on file, the address is asked directly.
    expect(page.get_by_label("Which home is it about?")).to_be_visible()
    _no_axe_violations(page)
