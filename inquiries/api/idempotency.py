"""`Idempotency-Key` for API writes: a retry gets the first answer instead of a second inquiry.

The same key with the same request within IDEMPOTENCY_WINDOW replays the stored status and body;
the same key with a different request is refused (422). The key is claimed (its row
inserted) first thing in the transaction that creates the inquiry, and the answer filled in at
its end: the unique (organization, key) constraint makes a concurrent duplicate wait at its own
claim for the first to commit and then fail with IntegrityError, after which it replays,
before it has written anything (files included).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status

from inquiries.models import ApiIdempotencyKey
from organizations.models import Organization

IDEMPOTENCY_WINDOW = datetime.timedelta(hours=24)
HEADER = "Idempotency-Key"
_MAX_LENGTH = ApiIdempotencyKey._meta.get_field("key").max_length
# Visible ASCII, no spaces; checked as received (nothing trimmed), exactly as documented.
KEY_SCHEMA = {"type": "string", "minLength": 1, "maxLength": _MAX_LENGTH, "pattern": "^[!-~]+$"}
_KEY_RE = re.compile(rf"[!-~]{{1,{_MAX_LENGTH}}}")


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = gettext_lazy(
        "This Idempotency-Key was already used for a different request. Use a new key for a new"
        " request."
    )
    default_code = "idempotency_key_reused"


def idempotency_key_from(request) -> str | None:
    """The request's Idempotency-Key, None when absent; 400 when unusable."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    if not _KEY_RE.fullmatch(raw):
        raise serializers.ValidationError(
            {
                HEADER: [
                    _("Use 1 to %(max)d printable ASCII characters, e.g. a UUID.")
                    % {"max": _MAX_LENGTH}
                ]
            }
        )
    return raw


def body_fields(request, names: Iterable[str]):
    """The request's fields named in `names` (the ones the endpoint reads), as received (JSON
    values; multipart: lists of strings), without files.

    Unknown fields are ignored by the API, so they are neither stored nor part of the
    fingerprint: whatever they hold (a NUL, a lone surrogate, thousands of levels of nesting)
    cannot break the insert or the hashing. Call it after validation, when the named fields
    are known to be plain values."""
    data = request.data
    if hasattr(data, "getlist"):  # multipart: DRF merges the files into request.data
        return {
            name: data.getlist(name) for name in names if name in data and name not in request.FILES
        }
    if not isinstance(data, dict):
        return {}
    return {name: data[name] for name in names if name in data}


def request_fingerprint(request, names: Iterable[str]) -> str:
    """SHA-256 of method, path, the fields named in `names` and attached files' contents.

    Parsed rather than raw bytes, so a retry whose JSON key order or multipart boundary differs
    still counts as the same request; fields the endpoint ignores do not count.
    """
    files = []
    for field, uploads in request.FILES.lists():
        for upload in uploads:
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            files.append([field, upload.name, upload.size, digest.hexdigest()])
    canonical = json.dumps(
        {
            "method": request.method,
            "path": request.path,
            "data": body_fields(request, names),
            "files": files,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_stored(org: Organization, key: str, fingerprint: str) -> ApiIdempotencyKey | None:
    """The stored answer for `key`, None if there is none (an expired one is dropped); raises
    IdempotencyKeyReused (422) when the key was used for a different request."""
    stored = ApiIdempotencyKey.objects.filter(organization=org, key=key).first()
    if stored is None:
        return None
    if stored.created_at < timezone.now() - IDEMPOTENCY_WINDOW:
        stored.delete()
        return None
    if stored.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    return stored


def idempotency_claim(*, org: Organization, key: str, fingerprint: str) -> ApiIdempotencyKey:
    """Claim `key` for this request; call it first inside the transaction that does the work.
    Raises IntegrityError when a concurrent request with the same key claimed it first (after
    waiting for that request's transaction to commit)."""
    return ApiIdempotencyKey.objects.create(
        organization=org, key=key, request_hash=fingerprint, status_code=0, response_body={}
    )


def idempotency_answer(claim: ApiIdempotencyKey, *, status_code: int, body: dict) -> None:
    """Store the answer on a claimed key, in the same transaction."""
    claim.status_code = status_code
    claim.response_body = body
    claim.save(update_fields=["status_code", "response_body"])


def idempotency_keys_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete answers older than the window (for a periodic task); returns how many."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_WINDOW
    deleted, _rows = ApiIdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
