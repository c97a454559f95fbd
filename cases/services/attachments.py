"""Attachments on cases, notes and tasks.

Uploads are checked by their content (the `filetype` library), never by the name or the type the
browser claims, before anything is written. Files are stored under a generated name; the original
name lives only in the row. If a step after writing fails, the written files are deleted again.

Images are measured by their header only (`organizations.images.image_size`) and refused above
IMAGE_MAX_PIXELS; no request decodes an image: thumbnails are made by the worker after commit
(`cases.tasks.make_thumbnails`).
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import io
import logging
import os
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from cases.models import Attachment, Case, CaseEvent, Note, Task
from cases.services.events import event_build, events_save
from cases.services.thumbnails import thumbnails_make_after_commit
from organizations.images import ImageTooLarge, image_size, max_megapixels
from organizations.models import Organization, User

logger = logging.getLogger(__name__)

THUMBNAIL_MAX_PX = 320
MAX_FILES_PER_UPLOAD = 10
SNIFF_BYTES = 8192

# Content type (as detected) -> extension we store under.
ALLOWED_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
}
# Plain text has no signature: it is accepted when the name says so and it decodes as UTF-8.
TEXT_TYPES = {"txt": "text/plain", "csv": "text/csv"}
# Images Pillow reads; HEIC is accepted but gets no thumbnail (Pillow cannot decode it).
THUMBNAIL_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
# Shown inline by the download view; everything else is always a download.
INLINE_TYPES = THUMBNAIL_TYPES
EXECUTABLE_TYPES = {
    "application/x-msdownload",
    "application/x-executable",
    "application/x-sharedlib",
    "application/wasm",
    "application/x-shockwave-flash",
    "application/x-deb",
    "application/x-rpm",
    "application/x-google-chrome-extension",
}


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check, with what we learnt from its content."""

    upload: UploadedFile
    original_name: str
    content_type: str
    extension: str
    size: int


def clean_original_name(name: str) -> str:
    name = re.split(r"[\\/]", name or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()
    return name[-255:] or "file"


def _extension(name: str) -> str:
    return os.path.splitext(name)[1].lower().lstrip(".")


def attachment_check(upload: UploadedFile) -> CheckedUpload:
    """Validate one upload by size and content; raise ValidationError with a clear message."""
    name = clean_original_name(upload.name)
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; a file can be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    refused = _(
        "“%(name)s” is not a type of file we accept. Attach images (JPEG, PNG, GIF, WebP, "
        "HEIC), PDF, Word, Excel or OpenDocument text, or plain text and CSV."
    ) % {"name": name}
    if kind is not None:
        if kind.mime in EXECUTABLE_TYPES:
            raise ValidationError(
                _("“%(name)s” is a program, not a document or an image; it was not attached.")
                % {"name": name}
            )
        if kind.mime not in ALLOWED_TYPES:
            raise ValidationError(refused)
        content_type, extension = kind.mime, ALLOWED_TYPES[kind.mime]
    else:
        extension = _extension(name)
        if extension not in TEXT_TYPES:
            raise ValidationError(refused)
        if not _is_utf8_text(upload):
            raise ValidationError(
                _("“%(name)s” is not plain text in UTF-8; save it as UTF-8 and try again.")
                % {"name": name}
            )
        content_type = TEXT_TYPES[extension]
    if content_type in THUMBNAIL_TYPES:
        _image_check(upload, name)
    return CheckedUpload(
        upload=upload,
        original_name=name,
        content_type=content_type,
        extension=extension,
        size=upload.size,
    )


def attachments_check(uploads: Sequence[UploadedFile]) -> list[CheckedUpload]:
    """Check every upload; report all problems at once."""
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        raise ValidationError(
            _("Attach at most %(count)s files at a time.") % {"count": MAX_FILES_PER_UPLOAD}
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(attachment_check(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return checked


def _is_utf8_text(upload: UploadedFile) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    upload.seek(0)
    try:
        for chunk in upload.chunks():
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        upload.seek(0)
    return True


def _too_many_pixels(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” has more than %(limit)s megapixels; use a smaller image.")
        % {"name": name, "limit": max_megapixels()}
    )


def _image_check(upload, name: str) -> None:
    """Refuse an image that is no image or has too many pixels, from its header and chunk
    structure only: nothing here decodes pixels (`verify` checks a PNG's chunks and CRCs)."""
    unreadable = _("“%(name)s” could not be read as an image.") % {"name": name}
    try:
        image_size(upload, verify=True)
    except ImageTooLarge as exc:
        raise _too_many_pixels(name) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(unreadable) from exc
    finally:
        upload.seek(0)


def _thumbnail(upload, content_type: str, name: str) -> tuple[bytes | None, str]:
    """Decode the image and make its thumbnail: in the worker only (attachment_thumbnails_make),
    after the same header check as the upload had."""
    if content_type not in THUMBNAIL_TYPES:
        return None, "jpg"
    _image_check(upload, name)
    unreadable = _("“%(name)s” could not be read as an image.") % {"name": name}
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.seek(0)
            image = ImageOps.exif_transpose(image)
            image.thumbnail((THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX))
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            out = io.BytesIO()
            if has_alpha:
                image.convert("RGBA").save(out, "PNG", optimize=True)
                extension = "png"
            else:
                image.convert("RGB").save(out, "JPEG", quality=82, optimize=True)
                extension = "jpg"
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(name) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(unreadable) from exc
    finally:
        upload.seek(0)
    return out.getvalue(), extension


# --- Storing ----------------------------------------------------------------------------------


# The innermost files_removed_on_error block's list of names, for a nested block to hand to.
_enclosing_written: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "enclosing_written", default=None
)


@contextlib.contextmanager
def files_removed_on_error() -> Iterator[list[str]]:
    """Collect stored file names; delete them if the block raises (the rows rolled back).

    Put it outside `transaction.atomic()`, so that a failing COMMIT deletes the files too.
    Blocks nest: an inner block that ends well hands its names to the enclosing block until
    the transaction commits, so the enclosing block deletes them as well if it fails later
    (a service called inside a caller's transaction that then rolls back).
    """
    written: list[str] = []
    enclosing = _enclosing_written.get()
    token = _enclosing_written.set(written)
    try:
        yield written
    except BaseException:
        for name in written:
            with contextlib.suppress(OSError):
                default_storage.delete(name)
        raise
    else:
        if enclosing is not None and written:
            names = list(written)
            enclosing.extend(names)
            # Committed files are the rows' own now: the enclosing block must not delete them.
            transaction.on_commit(lambda: _forget(enclosing, names))
    finally:
        _enclosing_written.reset(token)


def _forget(written: list[str], names: list[str]) -> None:
    committed = set(names)
    written[:] = [name for name in written if name not in committed]


def attachments_store(
    *,
    org: Organization,
    actor: User | None,
    case: Case,
    checked: Sequence[CheckedUpload],
    written: list[str],
    note: Note | None = None,
    task: Task | None = None,
) -> list[Attachment]:
    """Write checked uploads and their rows; appends each stored name to `written`.

    For use inside a service's transaction, within `files_removed_on_error()`.
    """
    rows = []
    for item in checked:
        stem = uuid.uuid4().hex
        attachment = Attachment(
            organization=org,
            case=case,
            note=note,
            task=task,
            stored_name=f"{stem}.{item.extension}",
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            uploaded_by=actor,
        )
        item.upload.seek(0)
        attachment.file.save(attachment.stored_name, item.upload, save=False)
        written.append(attachment.file.name)
        rows.append(attachment)
    rows = Attachment.objects.bulk_create(rows)
    thumbnails_make_after_commit(row for row in rows if row.content_type in THUMBNAIL_TYPES)
    return rows


def attachments_add(
    *,
    org: Organization,
    actor: User | None,
    case: Case,
    uploads: Sequence[UploadedFile],
) -> list[Attachment]:
    """Attach files to a case, one "attachment added" event per file.

    Nothing is written until every file passed its checks; if saving the rows fails, the files
    already written are deleted.
    """
    if case.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    if not uploads:
        raise ValidationError(_("Choose at least one file."))
    checked = attachments_check(uploads)
    with files_removed_on_error() as written, transaction.atomic():
        rows = attachments_store(org=org, actor=actor, case=case, checked=checked, written=written)
        events_save(
            [
                event_build(
                    case=case,
                    actor=actor,
                    kind=CaseEvent.Kind.ATTACHMENT,
                    new=row.original_name,
                    attachment=row,
                )
                for row in rows
            ]
        )
    return rows


def attachment_thumbnails_make(ids: Iterable[int]) -> int:
    """Make the missing thumbnails of the images among attachments `ids` (files copied from
    inquiries come without one: conversion, in bulk too, must not wait for image decoding).
    Returns how many were made; an image that cannot be read is logged and keeps none."""
    made = 0
    pending = Attachment.objects.filter(pk__in=list(ids), thumbnail="")
    for attachment in pending.filter(content_type__in=THUMBNAIL_TYPES):
        try:
            with attachment.file.open("rb") as source:
                thumbnail, extension = _thumbnail(
                    source, attachment.content_type, attachment.original_name
                )
        except (ValidationError, FileNotFoundError) as exc:
            logger.warning("No thumbnail for attachment %s: %s", attachment.pk, exc)
            continue
        stem = os.path.splitext(attachment.stored_name)[0]
        name = default_storage.save(
            f"thumbnails/{attachment.organization_id}/{stem}.{extension}", ContentFile(thumbnail)
        )
        if Attachment.objects.filter(pk=attachment.pk, thumbnail="").update(thumbnail=name):
            made += 1
        else:  # made meanwhile by another run
            default_storage.delete(name)
    return made
