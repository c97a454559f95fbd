"""Getting thumbnails made: enqueued after commit, and a sweeper for what the broker lost.

The database is the record of pending work: an image attachment without a thumbnail is one
whose thumbnail is still to be made. Enqueueing (`thumbnails_enqueue`) never fails a request
that has already committed: with the broker down it logs and leaves the rows to the sweeper
(`thumbnails_sweep`, run by beat), which re-enqueues images of the last day still without a
thumbnail a few minutes after they were stored. An image the worker cannot read is tried again
by each sweep of that day and then left alone.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models import Attachment
from organizations.tenancy import by_organization

logger = logging.getLogger(__name__)

# Ids per task.
TASK_BATCH = 50
# An attachment younger than this may still have its task on the way: the sweeper skips it.
SWEEP_GRACE = datetime.timedelta(minutes=5)
# How far back the sweeper looks; older images without a thumbnail are given up on.
SWEEP_WINDOW = datetime.timedelta(days=1)
# At most this many ids per sweep (the next sweep takes the rest).
SWEEP_LIMIT = 2000


def thumbnails_enqueue(organization_id: int, ids: Iterable[int]) -> None:
    """Hand attachments of one organization to the worker. Losing this (Redis down) loses
    nothing: the sweeper finds them."""
    from cases.tasks import make_thumbnails  # the task module imports the services

    ids = list(ids)
    for start in range(0, len(ids), TASK_BATCH):
        chunk = ids[start : start + TASK_BATCH]
        try:
            make_thumbnails.delay(organization_id, chunk)
        except Exception:  # the broker is down (or, run eagerly, the task failed)
            logger.warning(
                "thumbnails: could not enqueue attachments %s; the sweeper will",
                chunk,
                exc_info=True,
            )


def thumbnails_make_after_commit(attachments: Iterable[Attachment]) -> None:
    """Have the worker make the thumbnails of `attachments` once the transaction commits:
    decoding an image (hundreds of MB for a large photo) never happens in a request."""
    for organization_id, ids in by_organization(
        (row.organization_id, row.pk) for row in attachments
    ).items():
        transaction.on_commit(lambda o=organization_id, i=ids: thumbnails_enqueue(o, i))


def thumbnails_missing(*, now: datetime.datetime | None = None) -> list[tuple[int, int]]:
    """(organization id, id) of image attachments stored between SWEEP_WINDOW and SWEEP_GRACE
    ago that still have no thumbnail, oldest first.

    Read by primary key from the newest row older than the window on (ids grow with time), so
    the cost follows a day's attachments, not the table's size."""
    from cases.services.attachments import THUMBNAIL_TYPES  # that module imports this one

    now = now or timezone.now()
    before_window = (
        Attachment.objects.filter(created_at__lt=now - SWEEP_WINDOW).order_by("-pk").values("pk")
    )[:1]
    return list(
        Attachment.objects.filter(
            pk__gt=Coalesce(Subquery(before_window), 0),
            created_at__gte=now - SWEEP_WINDOW,
            created_at__lt=now - SWEEP_GRACE,
            thumbnail="",
            content_type__in=THUMBNAIL_TYPES,
        )
        .order_by("pk")
        .values_list("organization_id", "pk")[:SWEEP_LIMIT]
    )


def thumbnails_sweep(*, now: datetime.datetime | None = None) -> int:
    """Enqueue the images whose thumbnail is missing (for beat); returns how many."""
    missing = thumbnails_missing(now=now)
    if missing:
        logger.info("thumbnails: sweeper re-enqueues %d attachments", len(missing))
        for organization_id, ids in by_organization(missing).items():
            thumbnails_enqueue(organization_id, ids)
    return len(missing)
