"""Issue 9, item 11: the behaviour moved out of inline handlers for the Content-Security-Policy
still works in a real browser (the page fixture also fails any test whose page reports a CSP
violation)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from organizations.demo import DEMO_PASSWORD
from tests.browser.conftest import login

pytestmark = pytest.mark.browser

CASEWORKER = "saksbehandler@nordbygg.example"


def test_language_switcher_on_the_sign_in_page_submits_on_change(page, live_server, db):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Saksflyt")

    page.get_by_label("Language").select_option("sv")

    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in på Saksflyt")


def test_bell_and_select_all_work_without_inline_script(page, live_server):
    call_command("seed_demo", "--quiet-logins")
    login(page, live_server, CASEWORKER, DEMO_PASSWORD)

    # The bell loads its list when opened (was an htmx event filter, which needs eval).
    with page.expect_response(lambda r: "/notifications/" in r.url and r.status == 200):
        page.locator("#bell > summary").click()

    # "Select all" ticks every inquiry on the page (was an hx-on handler).
    page.goto(f"{live_server.url}/nordbygg/inquiries/")
    boxes = page.locator("#bulk-form input[name=ids]")
    assert boxes.count() > 0
    page.locator("#pick-all").check()
    for index in range(boxes.count()):
        expect(boxes.nth(index)).to_be_checked()
    page.locator("#pick-all").uncheck()
    expect(boxes.first).not_to_be_checked()
