"""Background jobs of the privacy app (scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def apply_retention_policies() -> int:
    """Run every organization's retention policy once; returns how many organizations had
    something done. Idempotent: a repeated run finds nothing left to do."""
    from privacy.retention import retention_apply_all

    return len(retention_apply_all())
