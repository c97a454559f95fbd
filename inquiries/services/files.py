"""Checking and storing files that arrive with inquiries, and copying them onto cases.

The checks are the case attachments' own (`cases.services.attachments.attachment_check`: by
content with `filetype`, size limit, images verified, programs refused), so a file accepted on an
inquiry is accepted on the case it becomes. Files are stored under generated names, so nothing
the sender typed reaches the file system.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext as _

from cases.services.attachments import (
    MAX_FILES_PER_UPLOAD,
    CheckedUpload,
    attachment_check,
)

# How many files one inquiry may carry (the API and the web form check this too).
MAX_FILES = MAX_FILES_PER_UPLOAD

__all__ = [
    "MAX_FILES",
    "CheckedUpload",
    "attachments_check",
    "generated_name",
    "stored_copy",
    "stored_delete",
]


def as_upload(item) -> UploadedFile:
    """Django uploads pass through; (file name, bytes) pairs and plain File objects are
    wrapped so the checks can read them the same way."""
    if isinstance(item, UploadedFile):
        return item
    if isinstance(item, tuple):
        name, data = item
        return SimpleUploadedFile(str(name), bytes(data))
    if hasattr(item, "seek"):
        item.seek(0)
    return SimpleUploadedFile(getattr(item, "name", "") or "file", item.read())


def attachments_check(uploads: Iterable) -> list[CheckedUpload]:
    """Check every file before anything is stored; report all problems under "attachments"."""
    uploads = [as_upload(u) for u in (uploads or ())]
    if len(uploads) > MAX_FILES:
        raise ValidationError(
            {"attachments": _("Attach at most %(count)s files at a time.") % {"count": MAX_FILES}}
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(attachment_check(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"attachments": errors})
    return checked


def generated_name(extension: str) -> str:
    """A random file name keeping only our own extension ("png" or ".png")."""
    extension = extension.lstrip(".")
    return f"{uuid.uuid4().hex}.{extension}" if extension else uuid.uuid4().hex


def stored_copy(source_name: str, target_name: str) -> str:
    """Copy a stored file to a new name in the default storage; returns the name it got."""
    with default_storage.open(source_name, "rb") as source:
        return default_storage.save(target_name, source)


def stored_delete(names: Iterable[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)
