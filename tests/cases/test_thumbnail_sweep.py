"""Thumbnails survive a broker outage (issue 9, item 16): enqueueing after the commit never
fails the request, and the beat sweeper enqueues images still without a thumbnail."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from kombu.exceptions import OperationalError
from PIL import Image

from cases.models import Attachment
from cases.services.attachments import attachments_add
from cases.tasks import make_thumbnails, sweep_thumbnails
from tests.cases.detail_support import HX, case_url, png_upload
from tests.factories.cases import make_case

LATER = datetime.timedelta(minutes=10)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def broker_down(monkeypatch):
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(make_thumbnails, "delay", refuse)
    return calls


def text_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("notes.txt", b"Second floor")


def _sweep_at(moment: datetime.datetime, monkeypatch) -> int:
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return sweep_thumbnails()


@pytest.mark.parametrize("htmx", [True, False])
def test_upload_succeeds_with_the_broker_down_and_the_sweep_makes_the_thumbnail(
    tenant, transactional_db, media, broker_down, monkeypatch, caplog, htmx
):
    # transactional_db: the upload really commits, so its on-commit enqueue runs in the request.
    case = make_case(tenant.org, tenant.caseworker)
    client = tenant.client_for(tenant.caseworker)
    with caplog.at_level(logging.WARNING, logger="cases.services.thumbnails"):
        response = client.post(
            case_url(case, "attachments/"),
            {"attach-files": [png_upload("crack.png", size=(1600, 900))]},
            headers=HX if htmx else {},
        )
    assert response.status_code == (200 if htmx else 302), response.content[:500]
    assert broker_down, "the upload tried to enqueue its thumbnail"
    attachment = Attachment.objects.get(case=case)
    assert not attachment.thumbnail
    assert "could not enqueue" in caplog.text

    monkeypatch.undo()  # the broker is back
    assert _sweep_at(attachment.created_at + LATER, monkeypatch) == 1

    attachment.refresh_from_db()
    assert attachment.thumbnail.name.startswith(f"thumbnails/{tenant.org.pk}/")
    with Image.open(media / attachment.thumbnail.name) as thumb:
        assert max(thumb.size) == 320
    assert _sweep_at(attachment.created_at + LATER, monkeypatch) == 0  # nothing left to do


def test_sweep_takes_images_without_thumbnail_between_the_grace_and_the_window(
    tenant, media, monkeypatch, django_capture_on_commit_callbacks, broker_down
):
    case = make_case(tenant.org, tenant.caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        rows = attachments_add(
            org=tenant.org,
            actor=tenant.caseworker,
            case=case,
            uploads=[*(png_upload(f"p{n}.png") for n in range(4)), text_upload()],
        )
    now = timezone.now()
    fresh, old, recent, done, text = rows
    Attachment.objects.filter(pk=fresh.pk).update(created_at=now - datetime.timedelta(minutes=1))
    Attachment.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(days=2))
    Attachment.objects.filter(pk=recent.pk).update(created_at=now - datetime.timedelta(hours=3))
    Attachment.objects.filter(pk__in=[done.pk, text.pk]).update(
        created_at=now - datetime.timedelta(hours=1)
    )
    Attachment.objects.filter(pk=done.pk).update(thumbnail="thumbnails/x.jpg")

    enqueued: list[tuple[int, list[int]]] = []
    monkeypatch.setattr(make_thumbnails, "delay", lambda org, ids: enqueued.append((org, ids)))
    assert _sweep_at(now, monkeypatch) == 1
    assert enqueued == [(tenant.org.pk, [recent.pk])]


def test_the_sweep_runs_on_beat():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "cases.tasks.sweep_thumbnails" in tasks
