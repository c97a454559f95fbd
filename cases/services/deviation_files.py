"""Photos and documents on deviations: stored, copied from inquiries and cases, thumbnailed.

The checks are the case attachments' own (`attachments_check`: by content, size and type limits,
images measured by their header, programs refused), so a file accepted on a case or an inquiry
is accepted here. Files are stored under generated names in `deviations/<org id>/`; thumbnails
are made by the worker after commit, never in the request.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterable, Sequence
from typing import Protocol

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Deviation, DeviationFile, Task, deviation_file_path
from cases.services.attachments import THUMBNAIL_TYPES, CheckedUpload
from cases.services.attachments import _thumbnail as thumbnail_bytes
from organizations.models import Organization, User

logger = logging.getLogger(__name__)


class StoredFile(Protocol):
    """What a copy needs of a stored file: a case attachment or an inquiry's file."""

    file: object
    stored_name: str
    original_name: str
    content_type: str
    size: int


def deviation_files_store(
    *,
    org: Organization,
    actor: User | None,
    deviation: Deviation,
    checked: Sequence[CheckedUpload],
    written: list[str],
    task: Task | None = None,
) -> list[DeviationFile]:
    """Write checked uploads and their rows; appends each stored name to `written`.

    For use inside a service's transaction, within `files_removed_on_error()`.
    """
    rows = []
    for item in checked:
        row = DeviationFile(
            organization=org,
            deviation=deviation,
            task=task,
            stored_name=f"{uuid.uuid4().hex}.{item.extension}",
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            uploaded_by=actor,
        )
        item.upload.seek(0)
        row.file.save(row.stored_name, item.upload, save=False)
        written.append(row.file.name)
        rows.append(row)
    rows = DeviationFile.objects.bulk_create(rows)
    deviation_thumbnails_after_commit(rows)
    return rows


def deviation_files_copy(
    *,
    org: Organization,
    actor: User | None,
    deviation: Deviation,
    sources: Iterable[StoredFile],
    written: list[str],
) -> list[DeviationFile]:
    """Copy already-checked stored files (an inquiry's photos, a case's attachments) onto the
    deviation under new names; appends each copy's name to `written`."""
    rows = []
    for source in sources:
        extension = os.path.splitext(source.stored_name)[1]  # ours, from the checks
        row = DeviationFile(
            organization=org,
            deviation=deviation,
            stored_name=f"{uuid.uuid4().hex}{extension}",
            original_name=source.original_name,
            content_type=source.content_type,
            size=source.size,
            uploaded_by=actor,
        )
        try:
            with default_storage.open(source.file.name, "rb") as handle:
                row.file.name = default_storage.save(
                    deviation_file_path(row, source.original_name), handle
                )
        except FileNotFoundError as exc:
            raise ValidationError(
                _("“%(name)s” could not be copied: its stored file is missing.")
                % {"name": source.original_name}
            ) from exc
        written.append(row.file.name)
        rows.append(row)
    if not rows:
        return []
    rows = DeviationFile.objects.bulk_create(rows)
    deviation_thumbnails_after_commit(rows)
    return rows


def deviation_thumbnails_after_commit(rows: Sequence[DeviationFile]) -> None:
    ids = [row.pk for row in rows if row.content_type in THUMBNAIL_TYPES]
    if ids:
        org_id = rows[0].organization_id
        transaction.on_commit(lambda: deviation_thumbnails_enqueue(org_id, ids))


def deviation_thumbnails_enqueue(organization_id: int, ids: list[int]) -> None:
    """Hand the images to the worker; with the broker down the file simply keeps no thumbnail
    (the page then shows the file's name, as for any document)."""
    from cases.tasks import make_deviation_thumbnails  # the task module imports the services

    try:
        make_deviation_thumbnails.delay(organization_id, ids)
    except Exception:  # the broker is down (or, run eagerly, the task failed)
        logger.warning("thumbnails: could not enqueue deviation files %s", ids, exc_info=True)


def deviation_thumbnails_make(ids: Iterable[int]) -> int:
    """Make the missing thumbnails of the images among deviation files `ids`; returns how many.
    An image that cannot be read is logged and keeps none."""
    made = 0
    pending = DeviationFile.objects.filter(
        pk__in=list(ids), thumbnail="", content_type__in=THUMBNAIL_TYPES
    )
    for row in pending:
        try:
            with row.file.open("rb") as source:
                thumbnail, extension = thumbnail_bytes(source, row.content_type, row.original_name)
        except (ValidationError, FileNotFoundError) as exc:
            logger.warning("No thumbnail for deviation file %s: %s", row.pk, exc)
            continue
        stem = os.path.splitext(row.stored_name)[0]
        name = default_storage.save(
            f"thumbnails/{row.organization_id}/{stem}.{extension}", ContentFile(thumbnail)
        )
        if DeviationFile.objects.filter(pk=row.pk, thumbnail="").update(thumbnail=name):
            made += 1
        else:  # made meanwhile by another run
            default_storage.delete(name)
    return made
