"""Converting an inquiry with photos while the broker is down (issue 9, item 16): the
conversion stands, and the beat sweeper later has the thumbnails made."""

from __future__ import annotations

import datetime

from django.utils import timezone
from kombu.exceptions import OperationalError

from cases.tasks import make_thumbnails, sweep_thumbnails
from inquiries.services.convert import inquiry_convert_many
from tests.inquiries.conftest import png_bytes


def test_conversion_with_the_broker_down_then_the_sweep_makes_the_thumbnail(
    tenant, make_inquiry, monkeypatch, django_capture_on_commit_callbacks
):
    inquiry = make_inquiry(attachments=[("photo.png", png_bytes())])

    def refuse(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(make_thumbnails, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        (case,) = inquiry_convert_many(org=tenant.org, actor=tenant.caseworker, inquiries=[inquiry])
    photo = case.attachments.get()
    assert not photo.thumbnail

    monkeypatch.undo()
    later = photo.created_at + datetime.timedelta(minutes=10)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert sweep_thumbnails() == 1
    photo.refresh_from_db()
    assert photo.thumbnail.name.startswith(f"thumbnails/{tenant.org.pk}/")
