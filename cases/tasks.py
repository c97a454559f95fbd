"""Background jobs of the cases app."""

from __future__ import annotations

from celery import shared_task

from cases.services.attachments import attachment_thumbnails_make


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def make_thumbnails(attachment_ids: list[int]) -> int:
    """Thumbnails for images attached without one (copied from inquiries)."""
    return attachment_thumbnails_make(attachment_ids)
