"""The API against its own OpenAPI schema: schemathesis generates valid and invalid requests for
every operation (examples, coverage and fuzzing phases, positive and negative data) and runs all
of its checks on every answer (status codes, content types, headers and bodies as documented,
invalid data refused, valid data accepted, authentication enforced...).

Authenticated through schemathesis' own mechanism (the schema's `ApiKey` security scheme), not a
header set on every call: so its authentication checks can drop or spoil the key themselves.
Bounded and derandomized so CI is repeatable and quick. Every operation in the schema is run,
including those added later.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from cases.services.categories import category_ensure_defaults
from config.wsgi import application
from organizations.services_api_keys import api_key_create
from tests.factories.cases import make_case

MAX_EXAMPLES = 50


def _config(secret: str) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "auth": {"openapi": {"ApiKey": {"api_key": f"Api-Key {secret}"}}},
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True},
            "checks": {
                "enabled": True,
                # A schema-valid POST is refused with the documented 422 when its
                # Idempotency-Key was used before for a different body, or a file's content is
                # refused: state no schema can express. Everything else about it stays.
                "positive_data_acceptance": {
                    "expected-statuses": ["2XX", "3XX", "401", "403", "404", "409", "422", "429"]
                },
            },
            # Schemathesis sometimes sends a format-violating value as a "valid" one: "0.12" for
            # the intake's `format: email` field in a multipart body (seen once in a full run,
            # never alone; its issue #4592 is the same false positive), which the intake rightly
            # refuses with 400. For this one operation 400 also counts as an answer to "valid"
            # data; tests/inquiries pin that valid bodies are accepted and which are refused.
            "operations": [
                {
                    "include-path": "/api/v1/inquiries/",
                    "include-method": "POST",
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2XX", "3XX", "400", "401", "403", "404"]
                            + ["409", "422", "429"]
                        }
                    },
                }
            ],
        }
    )


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """The WSGI app closes "old" connections at the start and end of each request, which would
    close the test's transaction; Django's test Client disconnects the same handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_secret(tenant, settings, tmp_path) -> str:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.API_RATE_LIMIT = "100000/minute"  # many requests from one key in a few seconds
    cache.clear()
    category_ensure_defaults(tenant.org)
    for _n in range(3):  # cases 1..3 exist, so the detail operations also answer 200
        make_case(tenant.org)
    return api_key_create(org=tenant.org, actor=tenant.admin, name="Schemathesis")[1]


@pytest.fixture
def api_schema(db, settings, api_secret):
    settings.ALLOWED_HOSTS = ["localhost"]  # the host schemathesis' WSGI client sends
    return schemathesis.openapi.from_wsgi("/api/schema/", application, config=_config(api_secret))


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_matches_its_schema(case):
    case.call_and_validate()


# --- What it asked for, pinned --------------------------------------------------------------


def _api(client, secret, method, path, **kwargs):
    headers = {"Authorization": f"Api-Key {secret}", "Accept-Language": "en"}
    return getattr(client, method)(path, headers=headers, **kwargs)


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/cases/"), ("get", "/api/v1/cases/1/"), ("post", "/api/v1/inquiries/")],
)
def test_an_unknown_query_parameter_is_refused_naming_it(client, api_secret, method, path):
    response = _api(client, api_secret, method, f"{path}?stauts=closed&format=json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert sorted(body["errors"]) == ["format", "stauts"]
    assert body["errors"]["stauts"] == ["This operation has no such query parameter."]


def test_the_documented_query_parameters_are_accepted(client, api_secret):
    response = _api(client, api_secret, "get", "/api/v1/cases/?status=open&page_size=2")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
    following = _api(client, api_secret, "get", response.json()["next"].split("testserver")[1])
    assert following.status_code == 200


def test_without_a_key_an_unknown_query_parameter_is_still_a_401(client, db):
    response = client.get("/api/v1/cases/?stauts=closed")

    assert response.status_code == 401


def test_a_body_that_is_not_json_is_a_400_with_errors(client, api_secret):
    response = _api(
        client,
        api_secret,
        "patch",
        "/api/v1/cases/1/",
        data=b"\x00",
        content_type="application/json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert body["errors"] == {"non_field_errors": [body["detail"]]}


def test_the_schema_says_text_fields_refuse_nul(client, api_secret):
    """The server refuses NUL in text (PostgreSQL cannot hold it); the schema must say so."""
    schema = client.get("/api/schema/?format=json").json()
    body = schema["components"]["schemas"]["InquiryCreateRequest"]["properties"]

    assert body["location"]["oneOf"][0]["pattern"] == "^[^\\u0000]*$"  # or empty
    response = _api(client, api_secret, "post", "/api/v1/inquiries/", data={"location": "a\x00"})
    assert response.status_code == 400
    assert "location" in response.json()["errors"]
