"""Background jobs of the organizations app (scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from organizations.services_files import orphan_files_sweep
from organizations.tenancy import all_organizations


@shared_task(acks_late=True)
def sweep_orphan_files() -> int:
    """Remove stored files that no row points to (older than a day)."""
    with all_organizations("the storage is shared: a file is kept if any row names it"):
        return len(orphan_files_sweep())
