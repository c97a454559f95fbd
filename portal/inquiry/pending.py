"""Uploads kept while a resident corrects a rejected inquiry form.

A form sent with a missing field must not make the resident pick their photos again. Files that
passed the checks are stored at once under a generated name in `portal/pending/<org id>/` and
the page carries a signed token per file (its stored name, original name, type and size, bound
to the organization and the resident's account, valid PENDING_MAX_AGE). No row is written: a
file never claimed is removed by the daily orphan-file sweep (`orphan_files_sweep`, files no
row names older than a day), and a claimed one is deleted once the inquiry holds its own copy.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from django.core import signing
from django.core.files.storage import default_storage

from cases.services.attachments import THUMBNAIL_TYPES, CheckedUpload
from inquiries.services.files import generated_name
from organizations.models import Organization
from portal.models import ResidentAccount

SALT = "portal.inquiry.pending"
PENDING_MAX_AGE = 12 * 60 * 60  # seconds; well inside the orphan sweep's day
PREFIX = "portal/pending"


@dataclass(frozen=True)
class PendingFile:
    token: str
    stored_name: str
    original_name: str
    content_type: str
    size: int

    @property
    def previewable(self) -> bool:
        """Shown as a picture on the form (browsers cannot show HEIC; it is listed by name)."""
        return self.content_type in THUMBNAIL_TYPES

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def pending_store(
    org: Organization, resident: ResidentAccount, checked: CheckedUpload
) -> PendingFile:
    """Store one checked upload for later and return it with its token."""
    name = f"{PREFIX}/{org.pk}/{generated_name(checked.extension)}"
    checked.upload.seek(0)
    stored = default_storage.save(name, checked.upload)
    payload = {
        "o": org.pk,
        "r": resident.pk,
        "n": stored,
        "f": checked.original_name,
        "t": checked.content_type,
        "s": checked.size,
    }
    token = signing.dumps(payload, salt=SALT, compress=True)
    return PendingFile(token, stored, checked.original_name, checked.content_type, checked.size)


def pending_load(org: Organization, resident: ResidentAccount, token: str) -> PendingFile | None:
    """The kept file `token` names, if the token is genuine, recent, this resident's in this
    organization, and the file is still there; else None."""
    if not isinstance(token, str) or len(token) > 1000:
        return None
    try:
        payload = signing.loads(token, salt=SALT, max_age=PENDING_MAX_AGE)
        org_id, resident_id, stored = payload["o"], payload["r"], payload["n"]
        original, content_type, size = payload["f"], payload["t"], int(payload["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if org_id != org.pk or resident_id != resident.pk:
        return None
    if not (isinstance(stored, str) and stored.startswith(f"{PREFIX}/{org.pk}/")):
        return None
    if not default_storage.exists(stored):
        return None
    return PendingFile(token, stored, str(original), str(content_type), size)


def pending_load_many(
    org: Organization, resident: ResidentAccount, tokens: list[str]
) -> list[PendingFile]:
    """`pending_load` for each token, once per file, in order; unusable tokens are dropped."""
    files, seen = [], set()
    for token in tokens:
        pending = pending_load(org, resident, token)
        if pending is not None and pending.stored_name not in seen:
            seen.add(pending.stored_name)
            files.append(pending)
    return files


def pending_read(pending: PendingFile) -> tuple[str, bytes]:
    """(original name, content), the form `inquiry_receive` takes files in."""
    with default_storage.open(pending.stored_name, "rb") as stored:
        return pending.original_name, stored.read()


def pending_delete(files: list[PendingFile]) -> None:
    for pending in files:
        with contextlib.suppress(OSError):
            default_storage.delete(pending.stored_name)
