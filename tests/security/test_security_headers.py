"""Issue 9, item 11: a strict Content-Security-Policy on every page, the hosted web form still
embeddable, and `Cache-Control: no-store` on every response to a signed-in user."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from organizations.services_api_keys import api_key_create

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_staff_pages_send_a_strict_policy_and_no_store(tenant, staff_client):
    response = staff_client.get(f"/{tenant.org.slug}/cases/")

    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response["Cache-Control"] == "no-store, private"


def test_the_page_showing_a_new_api_key_once_is_not_cached(tenant, admin_client_org):
    api_key_create(org=tenant.org, actor=tenant.admin, name="Website")
    response = admin_client_org.get(f"/{tenant.org.slug}/settings/api-keys/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_sign_in_page_has_the_policy(db):
    response = Client().get("/accounts/login/")

    assert _policy(response)["script-src"] == ["'self'"]


def test_the_web_form_stays_embeddable_under_the_policy(tenant):
    response = Client().get(f"/form/{tenant.org.slug}/")

    assert response.status_code == 200
    assert _policy(response)["frame-ancestors"] == ["*"]
    assert _policy(response)["script-src"] == ["'self'"]
    assert "X-Frame-Options" not in response
    assert "no-store" not in response.get("Cache-Control", "")  # anonymous


@pytest.mark.parametrize(
    "path", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))
)
def test_no_template_has_inline_script_or_event_handlers(path):
    text = (TEMPLATES / path).read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", text), "event-handler attribute (onclick=...)"
    assert "hx-on" not in text, "hx-on needs eval, which the policy forbids"
    assert not re.search(r'hx-trigger="[^"]*\[', text), "htmx event filters need eval"
