"""POST /api/v1/inquiries/: API-key authentication, the public fields, validation and errors."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from rest_framework import serializers

from inquiries.models import Channel, Inquiry, IntakeRule
from organizations.models import ApiKey
from organizations.services_api_keys import api_key_create, api_key_revoke
from tests.inquiries.conftest import png_bytes, set_rule

URL = "/api/v1/inquiries/"
BODY = {
    "name": "Kari Nordmann",
    "email": "kari@example.com",
    "phone": "+47 912 34 567",
    "subject": "Dripping tap",
    "message": "The kitchen tap has been dripping since Monday.",
    "address": "Storgata 1",
    "location": "Kitchen",
    "category": "Fault report",
    "external_reference": "WEB-1001",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def secret(tenant) -> str:
    return api_key_create(org=tenant.org, actor=tenant.admin, name="Website")[1]


@pytest.fixture
def other_secret(other_tenant) -> str:
    return api_key_create(org=other_tenant.org, actor=other_tenant.admin, name="B's website")[1]


def post(secret: str | None, body=BODY, *, raw: str | bytes | None = None, **headers):
    if secret is not None:
        headers["Authorization"] = f"Api-Key {secret}"
    content_type = headers.pop("content_type", "application/json")
    data = raw if raw is not None else json.dumps(body)
    return Client().post(URL, data=data, content_type=content_type, headers=headers)


# --- Authentication -------------------------------------------------------------------------


def test_request_without_key_gets_401_json_with_www_authenticate(tenant):
    response = post(None)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"].startswith("Api-Key")
    assert response.json()["code"] == "not_authenticated"
    assert not Inquiry.objects.exists()


def test_invalid_key_gets_401(tenant, secret):
    response = post(secret[:-1] + ("x" if secret[-1] != "x" else "y"))
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert "WWW-Authenticate" in response


def test_revoked_key_gets_401(tenant, secret):
    api_key = ApiKey.objects.get(organization=tenant.org)
    api_key_revoke(org=tenant.org, actor=tenant.admin, api_key=api_key)
    response = post(secret)
    assert response.status_code == 401
    assert not Inquiry.objects.exists()


def test_other_authorization_schemes_get_401(tenant, secret):
    response = Client().post(
        URL, BODY, content_type="application/json", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 401


def test_using_a_key_records_when_it_was_last_used(tenant, secret):
    assert ApiKey.objects.get().last_used_at is None
    post(secret)
    assert ApiKey.objects.get().last_used_at is not None


# --- Creating inquiries ---------------------------------------------------------------------


def test_json_inquiry_is_stored_in_the_keys_organization(tenant, secret):
    response = post(secret)
    assert response.status_code == 201
    inquiry = Inquiry.objects.get()
    assert response.json() == {"id": inquiry.pk, "status": "new", "case_number": None}
    assert inquiry.organization == tenant.org
    assert inquiry.channel == Channel.API
    assert (inquiry.sender_name, inquiry.sender_email, inquiry.sender_phone) == (
        "Kari Nordmann",
        "kari@example.com",
        "+47 912 34 567",
    )
    assert inquiry.subject == "Dripping tap"
    assert inquiry.location == "Kitchen"
    assert inquiry.category_hint == "Fault report"
    assert inquiry.external_reference == "WEB-1001"
    assert inquiry.property_text == "Storgata 1"
    assert inquiry.raw_payload["external_reference"] == "WEB-1001"


def test_key_of_organization_b_creates_in_b_never_in_a(tenant, other_tenant, other_secret):
    response = post(other_secret, {**BODY, "organization": tenant.org.pk, "org": "alpha"})
    assert response.status_code == 201
    inquiry = Inquiry.objects.get()
    assert inquiry.organization == other_tenant.org
    assert not Inquiry.objects.filter(organization=tenant.org).exists()


def test_unknown_fields_are_ignored(tenant, secret):
    response = post(secret, {**BODY, "colour": "blue", "nested": {"a": [1, 2]}})
    assert response.status_code == 201


def test_intake_rule_that_creates_cases_at_once_returns_the_case_number(tenant, secret):
    set_rule(tenant.org, Channel.API, create_case_immediately=True)
    response = post(secret)
    assert response.status_code == 201
    inquiry = Inquiry.objects.get()
    assert inquiry.status == Inquiry.Status.CONVERTED
    assert response.json() == {
        "id": inquiry.pk,
        "status": "converted",
        "case_number": inquiry.case.number,
    }
    assert IntakeRule.objects.get(organization=tenant.org).create_case_immediately


def test_phone_alone_is_enough_to_reach_the_sender(tenant, secret):
    body = {"phone": "+47 912 34 567", "message": "Call me about the door."}
    assert post(secret, body).status_code == 201


def test_multipart_with_attachments_stores_the_files(tenant, secret):
    response = Client().post(
        URL,
        {
            "name": "Kari",
            "email": "kari@example.com",
            "message": "See the picture",
            "attachments": [
                SimpleUploadedFile("crack.png", png_bytes(), "image/png"),
                SimpleUploadedFile("notes.txt", b"Second floor", "text/plain"),
            ],
        },
        headers={"Authorization": f"Api-Key {secret}"},
    )
    assert response.status_code == 201, response.content
    inquiry = Inquiry.objects.get()
    assert sorted(a.original_name for a in inquiry.attachments.all()) == ["crack.png", "notes.txt"]
    assert "attachments" not in inquiry.raw_payload


# --- Validation -----------------------------------------------------------------------------


def test_missing_message_and_contact_give_400_per_field(tenant, secret):
    response = post(secret, {"name": "Kari"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"message", "email", "phone"}
    assert not Inquiry.objects.exists()


def test_invalid_email_and_too_long_fields_give_400_per_field(tenant, secret):
    response = post(
        secret, {**BODY, "email": "not-an-address", "subject": "x" * 201, "phone": "1" * 33}
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"email", "subject", "phone"}
    assert "200" in errors["subject"][0]


def test_bad_attachment_gives_422_on_attachments(tenant, secret):
    response = Client().post(
        URL,
        {
            **BODY,
            "attachments": [SimpleUploadedFile("photo.png", b"MZ\x90\x00\x03\x00" * 50)],
        },
        headers={"Authorization": f"Api-Key {secret}"},
    )
    # Well-formed (the schema says "a file"), refused for its content: 422 with `errors`.
    assert response.status_code == 422
    assert "photo.png" in response.json()["errors"]["attachments"][0]
    assert not Inquiry.objects.exists()


def test_errors_are_in_the_organizations_language_without_accept_language(tenant, secret):
    tenant.org.default_language = "nb"
    tenant.org.save()
    with translation.override("nb"):
        norwegian = str(serializers.EmailField.default_error_messages["invalid"])
    with translation.override("en"):
        english = str(serializers.EmailField.default_error_messages["invalid"])
    assert norwegian != english

    response = post(secret, {**BODY, "email": "nope"})
    assert response.json()["errors"]["email"] == [norwegian]

    response = post(secret, {**BODY, "email": "nope"}, **{"Accept-Language": "en"})
    assert response.json()["errors"]["email"] == [english]


def test_json_list_body_gives_400_not_500(tenant, secret):
    response = post(secret, [1, 2, 3])
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


# --- Malformed, oversized and wrong content -------------------------------------------------


def test_malformed_json_gives_400_json(tenant, secret):
    response = post(secret, raw='{"name": "Kari", "message": ')
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "parse_error"


def test_oversized_json_gives_413_json(tenant, secret, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    response = post(secret, {**BODY, "message": "x" * 5000})
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert not Inquiry.objects.exists()


def test_oversized_attachment_gives_413_json(tenant, secret, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    response = Client().post(
        URL,
        {**BODY, "attachments": [SimpleUploadedFile("big.txt", b"a" * 4096, "text/plain")]},
        headers={"Authorization": f"Api-Key {secret}"},
    )
    assert response.status_code == 413
    assert "big.txt" in response.json()["detail"]
    assert not Inquiry.objects.exists()


def test_oversized_multipart_request_gives_413_json(tenant, secret, settings):
    settings.API_UPLOAD_MAX_BYTES = 4096
    files = [SimpleUploadedFile(f"f{i}.txt", b"a" * 1500, "text/plain") for i in range(4)]
    response = Client().post(
        URL, {**BODY, "attachments": files}, headers={"Authorization": f"Api-Key {secret}"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_oversized_form_field_in_multipart_gives_413_json(tenant, secret, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    response = Client().post(
        URL, {**BODY, "message": "x" * 5000}, headers={"Authorization": f"Api-Key {secret}"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_unsupported_content_type_gives_415_json(tenant, secret, content_type):
    response = post(secret, raw="name=Kari&message=Hi", content_type=content_type)
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_get_is_not_allowed_and_answers_json(tenant, secret):
    response = Client().get(URL, headers={"Authorization": f"Api-Key {secret}"})
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_unknown_api_address_gives_404_json(tenant, secret):
    response = Client().get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- Rate limit -----------------------------------------------------------------------------


def test_each_key_is_rate_limited_with_429_and_retry_after(tenant, secret, other_secret, settings):
    settings.API_RATE_LIMIT = "2/min"
    assert post(secret).status_code == 201
    assert post(secret).status_code == 201
    response = post(secret)
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    assert Inquiry.objects.count() == 2
    # Another key has its own allowance.
    assert post(other_secret).status_code == 201


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
def test_key_lookup_and_rate_limit_count_share_one_redis_round_trip(tenant, secret, monkeypatch):
    from config.cache import SaksflytRedisCache

    shared = []
    original = SaksflytRedisCache.get_many_and_incr_with_expiry

    def spy(self, keys, counter, timeout):
        shared.append(counter)
        return original(self, keys, counter, timeout)

    def separate(*args, **kwargs):
        raise AssertionError("the rate limit counted in a round trip of its own")

    monkeypatch.setattr(SaksflytRedisCache, "get_many_and_incr_with_expiry", spy)
    monkeypatch.setattr(SaksflytRedisCache, "incr_with_expiry", separate)

    assert post(secret).status_code == 201
    assert post(secret).status_code == 201
    assert len(shared) == 2 and shared[0].startswith("throttle:api_key:")


# --- As the OpenAPI schema says ------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {**BODY, "subject": 12},  # a number is not a string
        {**BODY, "name": " " + "x" * 200},  # maxLength counts what was sent, before trimming
        {**BODY, "name": "\x1f" + "x" * 200},  # control characters str.strip() removes too
    ],
)
def test_bodies_outside_the_schema_give_400(tenant, secret, body):
    response = post(secret, body)
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Inquiry.objects.exists()


def test_whitespace_only_message_and_subject_count_as_none(tenant, secret):
    response = post(secret, {**BODY, "subject": "\x1c ", "message": "\u3000"})
    assert response.status_code == 400
    assert "message" in response.json()["errors"]


def test_json_attachments_member_is_ignored_like_any_unknown_field(tenant, secret):
    response = post(secret, {**BODY, "attachments": ["not a file"]})
    assert response.status_code == 201


@pytest.mark.parametrize("key", [" padded ", "with space", "", "x" * 256, "tab\there"])
def test_idempotency_key_outside_the_documented_pattern_gives_400(tenant, secret, key):
    response = post(secret, **{"Idempotency-Key": key})
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]


def test_nested_errors_are_flat_lists_of_messages_as_documented(tenant, secret):
    response = Client().post(
        URL,
        {**BODY, "attachments": "text, not a file"},
        headers={"Authorization": f"Api-Key {secret}"},
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert all(isinstance(m, str) for messages in errors.values() for m in messages), errors
    assert "attachments.0" in errors
