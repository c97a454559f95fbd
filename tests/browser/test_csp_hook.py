"""The browser tests' CSP hook itself: a page that breaks the policy is reported."""

from __future__ import annotations

import pytest

from tests.browser.conftest import csp_violations

pytestmark = pytest.mark.browser


def test_an_inline_script_is_blocked_and_reported(browser, live_server, tenant):
    context = browser.new_context(locale="en", base_url=live_server.url)
    page = context.new_page()
    violations = csp_violations(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.appendChild(s); }"
    )
    ran = page.evaluate("() => window.ran === true")
    context.close()

    assert not ran  # the policy blocked it
    assert violations and "Content Security Policy" in violations[0]
