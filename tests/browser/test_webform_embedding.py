"""Issue 9, item 11: under the Content-Security-Policy the hosted web form still loads inside
another site's <iframe> (frame-ancestors * on /form/<org>/ only; every other page: 'none').

A module of its own: it launches its own chromium, which Playwright's sync API allows only while
no other (the module-scoped `browser` fixture) is running.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, csp_violations

pytestmark = pytest.mark.browser


def test_the_web_form_loads_in_another_sites_iframe(live_server, tenant, settings):
    # The embedding site and the form are different origins (two host names for one server).
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    form_origin = live_server.url.replace("localhost", "127.0.0.1")
    assert form_origin != live_server.url
    form_url = f"{form_origin}/form/{tenant.org.slug}/?lang=en"
    # Chromium refuses a page it cannot place on the network (a routed one) to frame a local
    # address; a chromium of its own without that check, for this test only.
    executable = chromium_path()
    with sync_playwright() as playwright:
        own = playwright.chromium.launch(
            executable_path=executable,
            args=[*CHROMIUM_ARGS, "--disable-features=LocalNetworkAccessChecks"],
        )
        page = own.new_page(locale="en")
        violations = csp_violations(page)
        page.route(
            f"{live_server.url}/contact-us",
            lambda route: route.fulfill(
                content_type="text/html",
                body=f'<!doctype html><h1>Contact us</h1><iframe src="{form_url}"></iframe>',
            ),
        )
        page.goto(f"{live_server.url}/contact-us")

        frame = page.frame_locator("iframe")
        expect(frame.get_by_label("What is it about?")).to_be_visible()
        own.close()
    assert not violations
