"""POST /api/v1/inquiries/ with nasty values in fields the API ignores (issue 9, item 6).

Unknown fields are ignored, so whatever they hold (a NUL, a lone surrogate, 2,000 levels of
nesting) must never turn an acceptable inquiry into a 500: only the known fields are stored."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from inquiries.models import Inquiry
from organizations.services_api_keys import api_key_create

URL = "/api/v1/inquiries/"
BODY = {
    "name": "Kari Nordmann",
    "email": "kari@example.com",
    "message": "The kitchen tap drips.",
    "external_reference": "WEB-1001",
}


NASTY = {
    "nul": "a\x00b",
    "nul_key": {"k\x00": 1},
    "lone_surrogate": "\udfff",
    "surrogate_key": {"\ud800": "x"},
}
# Nesting as a client may send it, as JSON text; 2,000 levels are refused below.
DEEP = 200


def _with_deep_extra(body: dict, levels: int) -> str:
    nested = '{"a": [' * (levels // 2) + "1" + "]}" * (levels // 2)
    return json.dumps(body)[:-1] + f', "extra": {nested}}}'


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def secret(tenant) -> str:
    return api_key_create(org=tenant.org, actor=tenant.admin, name="Website")[1]


def _post(secret, body, **headers):
    # json.dumps writes lone surrogates as \\udfff escapes, as a client's JSON would.
    return Client().post(
        URL,
        data=body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Api-Key {secret}", **headers},
    )


def _nasty_body(field: str):
    return _with_deep_extra(BODY, DEEP) if field == "deep" else {**BODY, "extra": NASTY[field]}


@pytest.mark.parametrize("field", [*sorted(NASTY), "deep"])
def test_ignored_field_with_a_nasty_value_is_not_stored_and_gives_201(tenant, secret, field):
    response = _post(secret, _nasty_body(field))
    assert response.status_code == 201, response.content
    inquiry = Inquiry.objects.get()
    assert inquiry.raw_payload == BODY
    assert inquiry.message == BODY["message"]


@pytest.mark.parametrize("field", [*sorted(NASTY), "deep"])
def test_nasty_ignored_field_with_an_idempotency_key_gives_201_then_replays(tenant, secret, field):
    body = _nasty_body(field)
    first = _post(secret, body, **{"Idempotency-Key": f"key-{field}"})
    assert first.status_code == 201, first.content
    again = _post(secret, body, **{"Idempotency-Key": f"key-{field}"})
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Inquiry.objects.count() == 1


def test_multipart_stores_the_known_fields_only(tenant, secret):
    response = Client().post(
        URL,
        {**BODY, "colour": "a\x00b"},
        headers={"Authorization": f"Api-Key {secret}"},
    )
    assert response.status_code == 201, response.content
    # Multipart values arrive as lists (a field may repeat); files are never part of it.
    assert Inquiry.objects.get().raw_payload == {name: [value] for name, value in BODY.items()}


def test_a_retry_differing_only_in_ignored_fields_is_the_same_request(tenant, secret):
    first = _post(secret, {**BODY, "extra": 1}, **{"Idempotency-Key": "k"})
    again = _post(secret, _with_deep_extra(BODY, DEEP), **{"Idempotency-Key": "k"})
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    changed = _post(secret, {**BODY, "message": "Another"}, **{"Idempotency-Key": "k"})
    assert changed.status_code == 422


def test_json_nested_2000_levels_deep_is_a_400_not_a_500(tenant, secret):
    response = _post(secret, _with_deep_extra(BODY, 2000))
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "parse_error"
    assert not Inquiry.objects.exists()
