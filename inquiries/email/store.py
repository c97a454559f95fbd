"""Storing received e-mail: the raw bytes first, once per organization and Message-ID.

`inbound_store_many` writes the raw messages in the caller's transaction (`INSERT … ON CONFLICT
DO NOTHING`, one statement for a batch) and enqueues their processing after commit; the
sweeper re-enqueues what is left unprocessed, so a lost task or a killed worker loses nothing.
"""

from __future__ import annotations

import datetime
import logging

from django.db import connection, transaction
from django.utils import timezone

from inquiries.email.headers import message_id_of
from inquiries.models import InboundEmail
from organizations.models import Organization
from organizations.tenancy import by_organization

logger = logging.getLogger(__name__)

Status = InboundEmail.Status
Outcome = InboundEmail.Outcome

# Raw messages above this size are refused at the door (stored as failed, not parsed).
MAX_RAW_BYTES = 50 * 1024 * 1024


def inbound_store(
    *, org: Organization, raw: bytes, source: str, enqueue_processing: bool = True
) -> tuple[int, bool]:
    """Store one raw e-mail; returns (id, created). The same message again returns the first
    row's id and False. Processing is enqueued after the caller's transaction commits (unless
    the caller processes it itself: the file import)."""
    return inbound_store_many(
        org=org, raws=[raw], source=source, enqueue_processing=enqueue_processing
    )[0]


def inbound_store_many(
    *, org: Organization, raws: list[bytes], source: str, enqueue_processing: bool = True
) -> list[tuple[int, bool]]:
    """Store raw e-mails with one INSERT … ON CONFLICT DO NOTHING; returns (id, created) per
    message, in order (a message whose Message-ID is already stored — or earlier in `raws` —
    gets that row's id and False). Messages over MAX_RAW_BYTES are kept as failed, without
    their bytes."""
    if not raws:
        return []
    now = timezone.now()
    table = InboundEmail._meta.db_table
    keys = [message_id_of(raw) for raw in raws]
    params: list = []
    for raw, message_id in zip(raws, keys, strict=True):
        too_big = len(raw) > MAX_RAW_BYTES
        params += [
            org.pk,
            source,
            message_id,
            b"" if too_big else raw,
            len(raw),
            Status.FAILED if too_big else Status.RECEIVED,
            Outcome.UNPARSEABLE if too_big else "",
            f"The message is larger than {MAX_RAW_BYTES} bytes." if too_big else "",
            now,
        ]
    row = "(%s, %s, %s, %s, %s, %s, %s, %s, '', '', '', 0, %s)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organization_id, source, message_id, raw, size, status,"
            " outcome, error, from_address, from_name, subject, attempts, received_at)"
            f" VALUES {', '.join([row] * len(raws))}"
            " ON CONFLICT (organization_id, message_id) DO NOTHING RETURNING id, message_id",
            params,
        )
        created = {message_id: pk for pk, message_id in cursor.fetchall()}
    missing = [k for k in set(keys) if k not in created]
    existing = dict(
        InboundEmail.objects.filter(organization_id=org.pk, message_id__in=missing).values_list(
            "message_id", "pk"
        )
        if missing
        else {}
    )
    results, seen = [], set()
    for message_id in keys:
        if message_id in created and message_id not in seen:
            results.append((created[message_id], True))
        else:
            results.append((created.get(message_id) or existing.get(message_id), False))
        seen.add(message_id)
    if enqueue_processing:
        ids = [
            pk
            for (pk, new), raw in zip(results, raws, strict=True)
            if new and len(raw) <= MAX_RAW_BYTES
        ]
        if ids:
            transaction.on_commit(lambda: enqueue(org.pk, ids))
    return results


# E-mails per processing task (and per transaction) when many wait at once.
BATCH = 50


def enqueue(organization_id: int, ids: list[int]) -> None:
    """Hand one organization's e-mails to the workers, in batches; if the broker is down the
    sweeper finds them."""
    from inquiries.tasks import process_inbound_emails

    for start in range(0, len(ids), BATCH):
        batch = list(ids[start : start + BATCH])
        try:
            process_inbound_emails.delay(organization_id, batch)
        except Exception:
            logger.warning("inbound: could not enqueue e-mails %s; the sweeper will", batch)


def inbound_sweep(limit: int = 500, grace_seconds: int = 120) -> int:
    """Re-enqueue e-mails stored but still unprocessed after `grace_seconds`."""
    before = timezone.now() - datetime.timedelta(seconds=grace_seconds)
    ids = list(
        InboundEmail.objects.filter(status=Status.RECEIVED, received_at__lte=before)
        .order_by("received_at")
        .values_list("organization_id", "pk")[:limit]
    )
    for organization_id, batch in by_organization(ids).items():
        enqueue(organization_id, batch)
    return len(ids)
