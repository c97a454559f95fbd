"""The upkeep shared by background jobs that make a file for one person to download (print runs
in `printing`, exports in `reports`): the sweeper that re-enqueues jobs a worker never took or
lost, and the expiry that deletes their files.

A job model has `status` (QUEUED/RUNNING choices), `created_at`, `started_at`, `expires_at`, a
`file` and an `organization_id`; `enqueue(organization_id, job_id)` hands a job to a worker.
Both run across organizations (beat), inside the caller's `all_organizations(...)`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)

# Rows stay this long after their file expired, as a record, then go.
KEEP_ROWS = datetime.timedelta(days=7)


def file_jobs_sweep(
    model: type[models.Model],
    enqueue: Callable[[int, int], None],
    *,
    grace: datetime.timedelta,
    lease: datetime.timedelta,
    now: datetime.datetime | None = None,
    batch: int = 500,
) -> int:
    """Re-enqueue jobs still queued after `grace`, or running longer than `lease` (their worker
    is gone); at most `batch` of each a run. Returns how many."""
    now = now or timezone.now()
    stale = model.objects.filter(
        status=model.Status.QUEUED, created_at__lt=now - grace, expires_at__gt=now
    ).values_list("organization_id", "pk")
    lost = model.objects.filter(
        status=model.Status.RUNNING, started_at__lt=now - lease, expires_at__gt=now
    ).values_list("organization_id", "pk")
    ids = sorted({*stale[:batch], *lost[:batch]}, key=lambda pair: pair[1])
    for organization_id, job_id in ids:
        enqueue(organization_id, job_id)
    if ids:
        logger.info("%s: sweeper re-enqueued %d jobs", model._meta.label, len(ids))
    return len(ids)


def file_jobs_expire(model: type[models.Model], *, now: datetime.datetime | None = None) -> int:
    """Delete the files of expired jobs (the rows stay KEEP_ROWS as a record, then go).
    Returns how many files were deleted."""
    now = now or timezone.now()
    count = 0
    for job in model.objects.filter(expires_at__lte=now).exclude(file="").iterator():
        job.file.delete(save=False)
        model.objects.filter(pk=job.pk).update(file="")
        count += 1
    model.objects.filter(expires_at__lte=now - KEEP_ROWS).delete()
    return count
