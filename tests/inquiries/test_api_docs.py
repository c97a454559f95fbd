"""The OpenAPI schema and the browsable documentation (seed 002's "Dokumentation")."""

from __future__ import annotations

import pytest
from django.test import Client
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIRequestFactory

from inquiries.api.views import BareBenchView


@pytest.fixture
def schema(db) -> dict:
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_without_an_api_key(schema):
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")


def test_schema_documents_the_endpoints_and_the_api_key_scheme(schema):
    assert {"/api/v1/inquiries/", "/api/v1/cases/", "/api/v1/cases/{number}/"} <= set(
        schema["paths"]
    )
    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schema["components"]["securitySchemes"]["ApiKey"]["description"],
    }
    post = schema["paths"]["/api/v1/inquiries/"]["post"]
    assert post["security"] == [{"ApiKey": []}]
    assert set(post["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert {"201", "400", "401", "413", "415", "422", "429"} <= set(post["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])


def test_schema_keeps_the_public_field_names(schema):
    fields = set(schema["components"]["schemas"]["InquiryCreateRequest"]["properties"])
    assert fields == {
        "name",
        "email",
        "phone",
        "subject",
        "message",
        "address",
        "property_number",
        "location",
        "category",
        "external_reference",
        "attachments",
    }
    errors = schema["components"]["schemas"]["ValidationError"]["properties"]
    assert set(errors) == {"detail", "code", "errors"}


def test_schema_is_english_whatever_the_callers_language(db):
    response = Client().get("/api/schema/", {"format": "json"}, headers={"Accept-Language": "nb"})
    case = response.json()["components"]["schemas"]["Case"]["properties"]
    assert case["external_reference"]["title"] == "Reference"


def test_bench_endpoint_answers_only_when_switched_on(settings):
    factory = APIRequestFactory()
    view = BareBenchView.as_view()
    body = {"email": "kari@example.com", "message": "Hi"}
    settings.BENCH_BARE_ENDPOINT = False
    assert view(factory.post("/api/v1/_bare/", body, format="json")).status_code == 404
    settings.BENCH_BARE_ENDPOINT = True
    assert view(factory.post("/api/v1/_bare/", body, format="json")).status_code == 201


def test_docs_page_is_served_without_a_cdn(db):
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr.net" not in html
    assert "/static/drf_spectacular_sidecar/" in html
