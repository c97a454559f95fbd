"""Background jobs of the organizations app (scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from organizations.services_files import orphan_files_sweep


@shared_task(acks_late=True)
def sweep_orphan_files() -> int:
    """Remove stored files that no row points to (older than a day)."""
    return len(orphan_files_sweep())
