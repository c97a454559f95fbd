"""Accessibility checks with axe-core, injected into the page by Playwright.

`make test` installs axe-core from the npm registry into var/node (see the Makefile)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parents[2] / "var/node/node_modules/axe-core/axe.min.js"
SERIOUS = ("serious", "critical")


def axe_violations(page: Page, impacts: tuple[str, ...] = SERIOUS) -> list[str]:
    """Run axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now; one line per
    violation of the given impacts, naming the rule and the first offending elements."""
    if not AXE_JS.exists():
        raise RuntimeError(f"axe-core is missing at {AXE_JS}: run `make test` (or make {AXE_JS})")
    # Evaluated, not added as a <script>: the pages' CSP refuses inline scripts.
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        })"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in impacts
    ]
