"""Background jobs of the cases app."""

from __future__ import annotations

from celery import shared_task

from cases.services.attachments import attachment_thumbnails_make
from cases.services.thumbnails import thumbnails_sweep


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def make_thumbnails(attachment_ids: list[int]) -> int:
    """Thumbnails for images attached without one (copied from inquiries)."""
    return attachment_thumbnails_make(attachment_ids)


@shared_task(ignore_result=True)
def sweep_thumbnails() -> int:
    """Beat: enqueue images left without a thumbnail (their task was lost, e.g. Redis down)."""
    return thumbnails_sweep()
