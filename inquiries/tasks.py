"""Periodic jobs of the inquiries app (scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from inquiries.services.lifecycle import inquiries_purge_deleted


@shared_task(acks_late=True)
def purge_deleted_inquiries() -> int:
    """Remove inquiries deleted more than 30 days ago, and their files, in batches."""
    total = 0
    while True:
        removed = inquiries_purge_deleted()
        total += removed
        if removed == 0:
            return total


@shared_task(acks_late=True)
def purge_idempotency_keys() -> int:
    """Forget API answers older than the 24-hour Idempotency-Key window."""
    from inquiries.api.idempotency import idempotency_keys_purge

    return idempotency_keys_purge()
