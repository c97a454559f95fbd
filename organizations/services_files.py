"""Stored files that no row points to any more, found and removed.

Services delete the files of a failed write themselves (see files_removed_on_error, which also
covers a failing COMMIT and enclosing blocks of its own), but a file can still stay behind: a
caller's transaction that rolls back without such a block around it, a crash between writing
and COMMIT. The daily sweep removes every file under MEDIA storage that no file field of any model
names, once it is older than a grace period (a file of a transaction still in flight is young).
Models are found through the app registry, so a new file field is covered without a change
here.

Only the storage API is used (listdir, get_modified_time, delete), so the sweep works the same on
the local disk and on an S3 bucket (MEDIA_STORAGE=s3, config/storage.py): there `listdir` lists a
prefix's keys and common prefixes, and the modified time is asked only of files no row names.
The storage (MEDIA_ROOT, or the bucket under AWS_LOCATION) must be Saksflyt's alone.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)

GRACE = datetime.timedelta(hours=24)


def _stored_names() -> set[str]:
    """Every file name a row of any model holds in a file field (default storage)."""
    names: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.FileField) and f.storage is default_storage
        ]
        for field in fields:
            names.update(
                model._base_manager.exclude(**{field: ""})
                .values_list(field, flat=True)
                .iterator(chunk_size=5000)
            )
    return names


def _walk(path: str = "") -> Iterator[str]:
    """Every file name under `path`, recursively (an S3 prefix lists like a directory)."""
    try:
        directories, files = default_storage.listdir(path)
    except FileNotFoundError:  # the local MEDIA_ROOT before the first upload
        return
    for name in files:
        yield f"{path}/{name}" if path else name
    for directory in directories:
        yield from _walk(f"{path}/{directory}" if path else directory)


def orphan_files_sweep(*, now: datetime.datetime | None = None, grace=GRACE) -> list[str]:
    """Delete stored files older than `grace` that no row names; returns their names."""
    cutoff = (now or timezone.now()) - grace
    kept = _stored_names()
    removed = []
    for name in _walk():
        if name in kept or default_storage.get_modified_time(name) >= cutoff:
            continue
        default_storage.delete(name)
        removed.append(name)
    if removed:
        logger.warning("Removed %d stored files no row points to", len(removed))
    return removed
