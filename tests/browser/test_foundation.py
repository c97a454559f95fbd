"""The demo caseworker signs in, reads the inbox in the organization's language, switches to
Swedish and signs out, using the keyboard-reachable, labelled controls a screen reader sees."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from organizations.demo import DEMO_PASSWORD
from organizations.models import User
from tests.browser.conftest import login

pytestmark = pytest.mark.browser

CASEWORKER = "saksbehandler@nordbygg.example"


def _open_user_menu(page) -> None:
    summary = page.locator("details.user-menu > summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details.user-menu")).to_have_attribute("open", "")


def test_caseworker_signs_in_switches_to_swedish_and_signs_out(page, live_server):
    call_command("seed_demo", "--quiet-logins")

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Saksflyt")

    login(page, live_server, CASEWORKER, DEMO_PASSWORD)

    # Nordbygg's default language is Norwegian, and the caseworker has chosen none.
    expect(page).to_have_url(f"{live_server.url}/nordbygg/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("heading", level=1)).to_have_text("Min innboks")

    _open_user_menu(page)
    page.get_by_label("Språk").select_option("sv")
    page.get_by_role("button", name="Bytt språk").press("Enter")

    expect(page).to_have_url(f"{live_server.url}/nordbygg/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Min inkorg")
    expect(page.get_by_role("navigation", name="Huvudmeny")).to_be_visible()
    assert User.objects.get(email=CASEWORKER).language == "sv"

    _open_user_menu(page)
    page.get_by_role("button", name="Logga ut").press("Enter")

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in på Saksflyt")
    expect(page.get_by_label("E-postadress")).to_be_visible()
