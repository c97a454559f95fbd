"""Browser tests: Playwright (sync API) drives Debian's chromium against the live server.

Fixtures: `browser` (one chromium per test module), `page` (a fresh context per test, English
browser locale, base URL = the live server). Helper: `login(page, live_server, email, password)`.
Mark browser tests with `@pytest.mark.browser`.

Chromium comes from Debian (`apt-get install chromium`), not from `playwright install`, which
downloads a browser build and cannot run here. A missing chromium fails the tests: it is never a
reason to skip them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.utils import translation

# Playwright's sync API keeps an event loop running in this thread; Django would otherwise refuse
# the test's own ORM calls (seeding data, checking rows) as "async-unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Page, sync_playwright  # noqa: E402

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000
ARTIFACTS = Path(os.environ.get("SAKSFLYT_BROWSER_ARTIFACTS", "var/browser-failures"))


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "Browser tests need Debian's chromium on PATH (apt-get install chromium); "
            "`playwright install` browsers are not used.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="module")
def browser():
    """One headless chromium per test module.

    Module scope, not session: the Playwright event loop lives only while browser tests run, so it
    cannot disturb the rest of the suite.
    """
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request) -> Page:
    """A new browser context (own cookies, English locale) and page for each test."""
    context = browser.new_context(locale="en", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    violations = csp_violations(page)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"{request.node.name}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"\nscreenshot of the failing page: {shot} (at {page.url})")
    context.close()
    if violations:
        pytest.fail(
            "The page broke the Content-Security-Policy:\n" + "\n".join(violations),
            pytrace=False,
        )


def csp_violations(page: Page) -> list[str]:
    """A list that fills with every Content-Security-Policy violation the page reports in its
    console (a blocked inline script, event handler, eval or resource): every browser test
    fails on one, so no page can rely on something the policy forbids."""
    found: list[str] = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            found.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return found


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


def ui_text(page: Page, msgid: str) -> str:
    """`msgid` in the language the current page is rendered in (its <html lang>)."""
    language = page.locator("html").get_attribute("lang") or "en"
    with translation.override(language):
        return translation.gettext(msgid)


def login(page: Page, live_server, email: str, password: str) -> None:
    """Sign in through the sign-in form with its labelled fields, whatever its language."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(ui_text(page, "E-mail address")).fill(email)
    page.get_by_label(ui_text(page, "Password")).fill(password)
    page.get_by_role("button", name=ui_text(page, "Sign in"), exact=True).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
