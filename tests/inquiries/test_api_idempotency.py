"""Idempotency-Key on POST /api/v1/inquiries/: retries create one inquiry and replay the answer."""

from __future__ import annotations

import datetime
import json
import threading

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test import Client
from django.utils import timezone

from inquiries.api import views as api_views
from inquiries.api.idempotency import idempotency_keys_purge
from inquiries.models import ApiIdempotencyKey, Inquiry, InquiryAttachment
from organizations.services_api_keys import api_key_create
from tests.inquiries.conftest import png_bytes
from tests.markers import ROW_LOCKS, postgresql_only

URL = "/api/v1/inquiries/"
BODY = {"name": "Kari", "email": "kari@example.com", "message": "The door sticks."}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def secret(tenant) -> str:
    return api_key_create(org=tenant.org, actor=tenant.admin, name="Website")[1]


def post(secret, body=BODY, key="order-1001", client=None):
    return (client or Client()).post(
        URL,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Api-Key {secret}", "Idempotency-Key": key},
    )


def test_same_key_twice_creates_one_inquiry_and_returns_the_same_body(tenant, secret):
    first = post(secret)
    second = post(secret)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Inquiry.objects.count() == 1
    assert first.json()["id"] == Inquiry.objects.get().pk


def test_same_body_with_keys_in_another_order_is_the_same_request(tenant, secret):
    post(secret, {"name": "Kari", "email": "kari@example.com", "message": "The door sticks."})
    again = post(
        secret, {"message": "The door sticks.", "email": "kari@example.com", "name": "Kari"}
    )
    assert again.status_code == 201
    assert Inquiry.objects.count() == 1


def test_same_key_with_a_different_body_gives_422(tenant, secret):
    post(secret)
    response = post(secret, {**BODY, "message": "Something else entirely"})
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Inquiry.objects.count() == 1


def test_different_keys_create_different_inquiries(tenant, secret):
    post(secret, key="a")
    post(secret, key="b")
    assert Inquiry.objects.count() == 2


def test_keys_are_separate_per_organization(tenant, other_tenant, secret):
    other = api_key_create(org=other_tenant.org, actor=None, name="B")[1]
    a = post(secret)
    b = post(other)
    assert a.json()["id"] != b.json()["id"]
    assert Inquiry.objects.filter(organization=other_tenant.org).count() == 1


def test_key_older_than_24_hours_is_forgotten(tenant, secret):
    post(secret)
    ApiIdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    response = post(secret)
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Inquiry.objects.count() == 2
    assert ApiIdempotencyKey.objects.count() == 1


def test_invalid_request_does_not_use_up_the_key(tenant, secret):
    assert post(secret, {"name": "Kari"}).status_code == 400
    assert not ApiIdempotencyKey.objects.exists()
    assert post(secret).status_code == 201


def test_unusable_key_gives_400(tenant, secret):
    response = post(secret, key="x" * 256)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Inquiry.objects.exists()


def test_multipart_retry_with_the_same_files_is_replayed(tenant, secret):
    def send(image: bytes):
        return Client().post(
            URL,
            {**BODY, "attachments": [SimpleUploadedFile("crack.png", image, "image/png")]},
            headers={"Authorization": f"Api-Key {secret}", "Idempotency-Key": "upload-1"},
        )

    first, second = send(png_bytes()), send(png_bytes())
    assert first.json() == second.json()
    assert Inquiry.objects.count() == 1
    assert send(png_bytes() + b"\0").status_code == 422


def test_losing_the_race_replays_the_winners_answer(tenant, secret, monkeypatch):
    """The request that finds no stored answer but then hits the unique constraint (another
    request with the same key committed meanwhile) answers with the stored response."""
    winner = post(secret)
    real_stored = api_views.idempotency_stored
    calls = []

    def not_yet_committed(org, key, fingerprint):
        calls.append(key)
        return None if len(calls) == 1 else real_stored(org, key, fingerprint)

    monkeypatch.setattr(api_views, "idempotency_stored", not_yet_committed)
    loser = post(secret)
    assert loser.status_code == 201
    assert loser.json() == winner.json()
    assert Inquiry.objects.count() == 1
    assert len(calls) == 2


def test_losing_the_race_with_a_file_leaves_no_file_behind(tenant, secret, monkeypatch):
    def send():
        return Client().post(
            URL,
            {**BODY, "attachments": [SimpleUploadedFile("crack.png", png_bytes(), "image/png")]},
            headers={"Authorization": f"Api-Key {secret}", "Idempotency-Key": "upload-2"},
        )

    winner = send()
    real_stored = api_views.idempotency_stored
    calls = []

    def not_yet_committed(org, key, fingerprint):
        calls.append(key)
        return None if len(calls) == 1 else real_stored(org, key, fingerprint)

    monkeypatch.setattr(api_views, "idempotency_stored", not_yet_committed)
    loser = send()

    assert loser.json() == winner.json()
    stored = InquiryAttachment.objects.get()
    folder = f"inquiries/{tenant.org.pk}"
    assert default_storage.listdir(folder)[1] == [stored.stored_name]


def stored_files(org) -> list[str]:
    folder = f"inquiries/{org.pk}"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


def test_a_conflict_found_after_the_files_were_written_leaves_no_file_behind(
    tenant, secret, monkeypatch
):
    """The inquiry and its file are written, then storing the answer fails: the transaction
    rolls back and the file written inside inquiry_receive goes with it."""

    def conflict(claim, *, status_code, body):
        assert len(stored_files(tenant.org)) == 1  # the file was written by now
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(api_views, "idempotency_answer", conflict)
    response = Client().post(
        URL,
        {**BODY, "attachments": [SimpleUploadedFile("crack.png", png_bytes(), "image/png")]},
        headers={"Authorization": f"Api-Key {secret}", "Idempotency-Key": "upload-3"},
    )

    assert response.status_code == 500
    assert not Inquiry.objects.exists() and not ApiIdempotencyKey.objects.exists()
    assert stored_files(tenant.org) == []


@pytest.mark.django_db(transaction=True)
@postgresql_only(ROW_LOCKS)
@pytest.mark.parametrize("same_file", [True, False], ids=["duplicates", "conflicting"])
def test_concurrent_requests_with_one_key_leave_only_the_winners_file(tenant, secret, same_file):
    """Four requests with the same key race, each with a file (the same one, or a different
    one each): one inquiry is made, and storage holds its file and nothing else."""
    barrier = threading.Barrier(4)
    results = []

    def send(n: int):
        try:
            client = Client()
            image = png_bytes() + (b"" if same_file else b"\0" * n)
            upload = SimpleUploadedFile("crack.png", image, "image/png")
            barrier.wait(timeout=10)
            results.append(
                client.post(
                    URL,
                    {**BODY, "attachments": [upload]},
                    headers={"Authorization": f"Api-Key {secret}", "Idempotency-Key": "race"},
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    codes = sorted(r.status_code for r in results)
    assert codes == ([201] * 4 if same_file else [201, 422, 422, 422])
    stored = InquiryAttachment.objects.get()
    assert stored_files(tenant.org) == [stored.stored_name]


@pytest.mark.django_db(transaction=True)
@postgresql_only(ROW_LOCKS)
def test_concurrent_duplicates_create_one_inquiry(tenant, secret):
    barrier = threading.Barrier(4)
    results = []

    def send():
        try:
            client = Client()
            barrier.wait(timeout=10)
            results.append(post(secret, client=client))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [r.status_code for r in results] == [201] * 4
    assert len({r.json()["id"] for r in results}) == 1
    assert Inquiry.objects.count() == 1


def test_purge_removes_only_answers_older_than_24_hours(tenant, secret):
    post(secret, key="old")
    post(secret, key="new")
    ApiIdempotencyKey.objects.filter(key="old").update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    assert idempotency_keys_purge() == 1
    assert list(ApiIdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
