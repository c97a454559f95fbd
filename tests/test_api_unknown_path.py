"""Unknown addresses under /api/ answer a JSON 404 for every method, never Django's HTML CSRF
403: API clients send no CSRF token (issue 9, item 9)."""

from __future__ import annotations

import pytest
from django.test import Client

METHODS = ["get", "post", "put", "patch", "delete", "options"]


@pytest.fixture
def api_client() -> Client:
    # The default test client skips CSRF checks; a real client does not.
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/cases/1/nope/", "/api/v2/"])
def test_unknown_api_path_answers_json_404_for_every_method(db, api_client, method, path):
    body = {} if method == "get" else {"data": '{"a": 1}', "content_type": "application/json"}
    response = getattr(api_client, method)(path, **body)

    assert response.status_code == 404, response.content[:200]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "not_found"
    assert body["detail"]


def test_unknown_api_path_without_slash_says_addresses_end_with_a_slash(db, api_client):
    response = api_client.post("/api/v1/nothing", data="{}", content_type="application/json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "slash" in response.json()["detail"]


def test_post_with_a_session_cookie_to_an_unknown_api_path_is_still_json_404(tenant, api_client):
    """A signed-in browser's cookie does not bring the CSRF check back."""
    api_client.force_login(tenant.caseworker)

    response = api_client.delete("/api/v1/inquiries/1/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
