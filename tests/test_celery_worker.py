"""Background work through a real Celery worker on Redis, as in production.

The worker runs in a thread of the test process with its own database connection, so the
test uses a transactional database (data committed, visible to the worker).
"""

from __future__ import annotations

import datetime
import time

import pytest
from django.conf import settings
from django.utils import timezone

from config.celery import app as celery_app
from inquiries.models import Inquiry
from inquiries.tasks import purge_deleted_inquiries
from tests.factories.organizations import OrganizationFactory

pytestmark = [
    pytest.mark.celery,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL) for a real worker"),
]


def _wait_until(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_worker_purges_inquiries_deleted_more_than_30_days_ago(real_worker):
    org = OrganizationFactory(slug="worker-org")
    now = timezone.now()
    old = Inquiry.objects.create(
        organization=org,
        channel="api",
        subject="old",
        status=Inquiry.Status.DELETED,
        deleted_at=now - datetime.timedelta(days=31),
    )
    recent = Inquiry.objects.create(
        organization=org,
        channel="api",
        subject="recent",
        status=Inquiry.Status.DELETED,
        deleted_at=now - datetime.timedelta(days=2),
    )
    live = Inquiry.objects.create(organization=org, channel="api", subject="live")

    purge_deleted_inquiries.delay()

    assert _wait_until(lambda: not Inquiry.objects.filter(pk=old.pk).exists()), (
        "the worker did not purge the inquiry deleted 31 days ago"
    )
    assert Inquiry.objects.filter(pk__in=[recent.pk, live.pk]).count() == 2


def test_beat_schedule_names_registered_tasks():
    celery_app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in celery_app.tasks


def test_worker_forgets_idempotency_answers_older_than_a_day(real_worker):
    from inquiries.models import ApiIdempotencyKey

    org = OrganizationFactory(slug="worker-idem")
    old = ApiIdempotencyKey.objects.create(
        organization=org, key="old", request_hash="x", status_code=201, response_body={}
    )
    ApiIdempotencyKey.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    fresh = ApiIdempotencyKey.objects.create(
        organization=org, key="fresh", request_hash="y", status_code=201, response_body={}
    )

    from inquiries.tasks import purge_idempotency_keys

    purge_idempotency_keys.delay()

    assert _wait_until(lambda: not ApiIdempotencyKey.objects.filter(pk=old.pk).exists())
    assert ApiIdempotencyKey.objects.filter(pk=fresh.pk).exists()
