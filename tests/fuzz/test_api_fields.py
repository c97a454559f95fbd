"""Every API field with the fixed nasty values: no 5xx (issue 9).

The operations, parameters and body fields are read from the API's own OpenAPI schema, so an
operation or field added later is fuzzed too. One field at a time gets each value, the rest of
the request valid; JSON bodies carry the values as JSON (NUL and a lone surrogate as \\u
escapes, deep nesting and huge numbers as raw JSON), invalid UTF-8 goes in as raw bytes.
"""

from __future__ import annotations

import json
import traceback
from urllib.parse import quote

import pytest
from django.core.cache import cache

from cases.services.categories import category_ensure_defaults
from organizations.services_api_keys import api_key_create
from tests.factories.cases import make_case

RAW = "\x01raw\x01"  # marks a value that goes into the JSON text as it is
JSON_VALUES = {
    "nul": "a\x00b",
    "lone-surrogate": "\udfff",
    "rtl-override": "\u202egnp.exe",
    "100kb": "x" * 100_000,
    "deep-nesting": RAW + "[" * 5000 + "]" * 5000,
    "5000-digits": RAW + "9" * 5000,
    "beyond-bigint": RAW + "9223372036854775808",
    "1e309": RAW + "1e309",
    "minus-one": RAW + "-1",
    "superscript-two": "²",
    "object": RAW + '{"a": {"b": null}}',
}
QUERY_VALUES = {
    "nul": quote("\x00"),
    "lone-surrogate": "%ED%BF%BF",
    "invalid-utf8": "%FF%FE",
    "rtl-override": quote("\u202e"),
    "100kb": "x" * 100_000,
    "deep-nesting": "[" * 5000,
    "5000-digits": "9" * 5000,
    "beyond-bigint": "9223372036854775808",
    "superscript-two": quote("²"),
    "minus-one": "-1",
    "1e309": "1e309",
}
HEADER_VALUES = ["a\x00b", "\u202e", "x" * 10_000, "²", "9" * 5000]
PATH_VALUES = ["%C2%B2", "9" * 5000, "9223372036854775808", "-1", "%00"]
# A valid request body per operation, to which one nasty field is added.
BASE_BODY = {
    ("post", "/api/v1/inquiries/"): {"message": "The tap drips.", "email": "kari@example.com"},
    ("patch", "/api/v1/cases/{number}/"): {"title": "Dripping tap"},
}


@pytest.fixture
def api(client, tenant, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.API_RATE_LIMIT = "100000/minute"
    cache.clear()
    category_ensure_defaults(tenant.org)
    make_case(tenant.org)
    secret = api_key_create(org=tenant.org, actor=tenant.admin, name="Fuzz")[1]
    client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {secret}"
    return client


def _operations(client) -> list[tuple[str, str, dict, dict]]:
    schema = client.get("/api/schema/?format=json").json()
    out = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = {}
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
                body = schema["components"]["schemas"][ref].get("properties", {})
            out.append((method, path, operation, body))
    return out


def _json(body: dict) -> bytes:
    text = json.dumps(body)  # ensure_ascii: NUL and surrogates travel as \\u escapes
    for value in body.values():
        if isinstance(value, str) and value.startswith(RAW):
            text = text.replace(json.dumps(value), value[len(RAW) :])
    return text.encode()


def _send(client, method: str, url: str, body: bytes | None = None, headers=None):
    try:
        response = client.generic(
            method.upper(),
            url,
            body or b"",
            content_type="application/json",
            headers={"Idempotency-Key": "fuzz-key", **(headers or {})},
        )
    except Exception:
        return 599, traceback.format_exc(limit=-2)
    return response.status_code, response.content[:200]


def test_every_api_field_survives_nasty_values(api):
    failures = []
    requests = 0
    for method, path, operation, body_fields in _operations(api):
        url = path.replace("{number}", "1")
        base = BASE_BODY.get((method, path), {})
        base_body = _json(base) if body_fields else None
        for parameter in operation.get("parameters", []):
            name, where = parameter["name"], parameter["in"]
            if where == "query":
                for label, value in QUERY_VALUES.items():
                    status, detail = _send(api, method, f"{url}?{name}={value}", base_body)
                    requests += 1
                    if status >= 500:
                        failures.append((method, path, name, label, status, detail))
            elif where == "path":
                for value in PATH_VALUES:
                    nasty_url = path.replace("{" + name + "}", value)
                    status, detail = _send(api, method, nasty_url, base_body)
                    requests += 1
                    if status >= 500:
                        failures.append((method, path, name, value[:10], status, detail))
            elif where == "header":
                for value in HEADER_VALUES:
                    status, detail = _send(api, method, url, base_body, {name: value})
                    requests += 1
                    if status >= 500:
                        failures.append((method, path, name, value[:10], status, detail))
        for name in body_fields:
            for label, value in JSON_VALUES.items():
                status, detail = _send(api, method, url, _json({**base, name: value}))
                requests += 1
                if status >= 500:
                    failures.append((method, path, name, label, status, detail))
            raw = _json({**base, name: "PLACEHOLDER"}).replace(b"PLACEHOLDER", b"\xff\xfe")
            status, detail = _send(api, method, url, raw)
            requests += 1
            if status >= 500:
                failures.append((method, path, name, "invalid-utf8", status, detail))
    assert requests > 150, requests  # the schema was read: every operation, every field
    assert not failures, "\n".join(map(repr, failures))
