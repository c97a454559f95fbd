"""The worker side (claim, send, record, retry, sweep) and status changes from people and
providers."""

from __future__ import annotations

import datetime
import functools
import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import OutboundMessage
from notifications.outbox.queueing import enqueue
from notifications.transports import SendError, send_email, send_sms
from organizations import tenancy
from organizations.models import Organization, User

logger = logging.getLogger(__name__)

Status = OutboundMessage.Status
Channel = OutboundMessage.Channel

# How far each status is along; a callback may only move a row to a later rank. delivered,
# failed and bounced are all final, but a bounce may still follow a "delivered" (async DSN).
STATUS_RANK = {
    Status.QUEUED: 0,
    Status.SENDING: 1,
    Status.SENT: 2,
    Status.DELIVERED: 3,
    Status.FAILED: 4,
    Status.BOUNCED: 4,
}

# A task stops starting new rows after this long and hands the rest to a new task, so a slow
# provider never runs a task into Celery's time limit and other workers can share the work.
TASK_BUDGET_SECONDS = 30.0


# --- The worker side ------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """A send the provider accepted, not yet recorded on the row."""

    pk: int
    provider_id: str
    at: datetime.datetime


_CLAIM_SQL = """
    UPDATE {table} SET status = %s, attempts = attempts + 1, lease_until = %s,
        status_changed_at = %s
    WHERE id = (
        SELECT id FROM {table}
        WHERE id = %s AND next_attempt_at <= %s
            AND (status = %s OR (status = %s AND (lease_until IS NULL OR lease_until <= %s)))
        FOR UPDATE SKIP LOCKED
    )
    RETURNING {columns}
"""
# The previous row's `sent`, recorded in the same statement (and commit) as the next claim.
_RECORD_SENT_CTE = """
    WITH recorded AS (
        UPDATE {table} SET status = %s, provider_message_id = %s, sent_at = %s,
            status_changed_at = %s, lease_until = NULL, last_error = ''
        WHERE id = %s AND status = %s
        RETURNING id
    )
"""


def _claim(pk: int, *, record: Sent | None = None) -> OutboundMessage | None:
    """Take the row for sending, if it is due and nobody else holds it (an unexpired lease).
    `record`: first record that send as `sent`, in the same statement and commit. On PostgreSQL
    this is one statement (one round trip); elsewhere the ORM takes four."""
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(OutboundMessage._meta.db_table)
        columns, attnames, converters = _row_reader()
        sql = _CLAIM_SQL.format(table=table, columns=columns)
        params = [Status.SENDING.value, lease, now, pk, now]
        params += [Status.QUEUED.value, Status.SENDING.value, now]
        if record is not None:
            sql = _RECORD_SENT_CTE.format(table=table) + sql
            params = [
                Status.SENT.value,
                record.provider_id[:255],
                record.at,
                record.at,
                record.pk,
                Status.SENDING.value,
                *params,
            ]
        # A plain cursor: Django's raw() works out columns and converters again on every call,
        # which cost more than the statement itself.
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for index, convert in converters:
            values[index] = convert(values[index], None, connection)
        return OutboundMessage.from_db(connection.alias, attnames, values)
    if record is not None:
        _record_sent(record)
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status__in=[Status.QUEUED, Status.SENDING], next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return None
        if message.status == Status.SENDING and message.lease_until and message.lease_until > now:
            return None  # another worker is sending it right now
        message.status = Status.SENDING
        message.attempts += 1
        message.lease_until = lease
        message.status_changed_at = now
        message.save(update_fields=["status", "attempts", "lease_until", "status_changed_at"])
    return message


@functools.cache
def _row_reader() -> tuple[str, list[str], list[tuple[int, Callable]]]:
    """The claim's RETURNING list, the model's attribute names in that order, and the
    converters of the fields that need one (the JSON fields)."""
    fields = OutboundMessage._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    converters = [
        (index, field.from_db_value)
        for index, field in enumerate(fields)
        if hasattr(field, "from_db_value")
    ]
    return columns, [field.attname for field in fields], converters


def _record_sent(sent: Sent) -> None:
    OutboundMessage.objects.filter(pk=sent.pk, status=Status.SENDING).update(
        status=Status.SENT,
        provider_message_id=sent.provider_id[:255],
        sent_at=sent.at,
        status_changed_at=sent.at,
        lease_until=None,
        last_error="",
    )


def backoff(attempts: int) -> datetime.timedelta:
    """Exponential with full jitter: up to base·2^(n−1), at least a second."""
    ceiling = settings.OUTBOX_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return datetime.timedelta(seconds=max(1.0, random.uniform(ceiling / 2, ceiling)))


def _send(message: OutboundMessage) -> tuple[str, Sent | None]:
    """Hand a claimed row to its transport. A failure is recorded at once; a success is
    returned for the caller to record."""
    try:
        provider_id = send_email(message) if message.channel == Channel.EMAIL else send_sms(message)
    except SendError as exc:
        return _record_failure(message, str(exc), permanent=exc.permanent), None
    except Exception as exc:  # a bug or an unexpected library error: retry, keep the reason
        logger.exception("outbox: unexpected error sending message %s", message.pk)
        error = f"{type(exc).__name__}: {exc}"[:1000]
        return _record_failure(message, error, permanent=False), None
    return "sent", Sent(message.pk, str(provider_id), timezone.now())


def message_deliver(pk: int) -> str:
    """Send one row if it is due; returns what happened (for logs and tests)."""
    message = _claim(pk)
    if message is None:
        return "skipped"
    outcome, sent = _send(message)
    if sent is not None:
        _record_sent(sent)
    return outcome


def message_deliver_many(ids: Sequence[int]) -> dict[str, int]:
    """`message_deliver` for each row, in order, in one round trip per message: each `sent` is
    recorded in the statement that claims the next row, and so is committed before the next
    message goes to the transport — a killed worker leaves at most the one message in flight
    unrecorded, as with single sends.

    After TASK_BUDGET_SECONDS the rest go to a new task. Returns how many rows had each
    outcome."""
    outcomes: Counter[str] = Counter()
    started = time.monotonic()
    ids = list(dict.fromkeys(ids))  # a row twice in one statement would not be claimed
    pending: Sent | None = None
    try:
        for index, pk in enumerate(ids):
            if index and time.monotonic() - started > TASK_BUDGET_SECONDS:
                enqueue(_organization_of(ids[index]), ids[index:])
                outcomes["handed on"] += len(ids) - index
                break
            message = _claim(pk, record=pending)
            pending = None
            if message is None:
                outcomes["skipped"] += 1
                continue
            outcome, pending = _send(message)
            outcomes[outcome] += 1
    finally:
        if pending is not None:
            _record_sent(pending)
    return dict(outcomes)


def _record_failure(message: OutboundMessage, error: str, *, permanent: bool) -> str:
    now = timezone.now()
    if permanent or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
            status=Status.FAILED, last_error=error, lease_until=None, status_changed_at=now
        )
        logger.warning("outbox: message %s failed: %s", message.pk, error)
        return "failed"
    due = now + backoff(message.attempts)
    OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=Status.QUEUED,
        last_error=error,
        lease_until=None,
        next_attempt_at=due,
        status_changed_at=now,
    )
    from notifications.tasks import send_message

    try:
        send_message.apply_async((message.organization_id, message.pk), eta=due)
    except Exception:
        logger.warning("outbox: could not schedule retry of %s; the sweeper will", message.pk)
    return "retry"


def _organization_of(pk: int) -> int:
    """The organization of the rows a task was given (a task's rows share one)."""
    current = tenancy.current_organization_id()
    if current is not None:
        return current
    return OutboundMessage.objects.values_list("organization_id", flat=True).get(pk=pk)


def outbox_sweep(limit: int = 1000) -> int:
    """Re-enqueue rows that are due but may have no task: queued past their time by a minute,
    or sending with an expired lease. Returns how many."""
    now = timezone.now()
    grace = now - datetime.timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)
    with transaction.atomic():
        ids = list(
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(
                status__in=[Status.QUEUED, Status.SENDING],
                next_attempt_at__lte=grace,
            )
            .exclude(status=Status.SENDING, lease_until__gt=now)
            .order_by("next_attempt_at")
            .values_list("organization_id", "pk")[:limit]
        )
    if ids:
        logger.info("outbox: sweeper re-enqueues %d messages", len(ids))
        for organization_id, chunk in tenancy.by_organization(ids).items():
            enqueue(organization_id, chunk)
    return len(ids)


# --- Changes from people and providers ------------------------------------------------------


@transaction.atomic
def message_retry(*, org: Organization, actor: User | None, message: OutboundMessage) -> None:
    """ "Send again": a failed or bounced row goes back to the queue with fresh attempts."""
    if message.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    updated = OutboundMessage.objects.filter(
        pk=message.pk, status__in=[Status.FAILED, Status.BOUNCED]
    ).update(
        status=Status.QUEUED,
        attempts=0,
        last_error="",
        next_attempt_at=timezone.now(),
        status_changed_at=timezone.now(),
    )
    if not updated:
        raise ValidationError(_("Only a failed message can be sent again."))
    transaction.on_commit(lambda: enqueue(org.pk, [message.pk]))


def message_status_update(
    *,
    channel: str,
    provider_message_id: str = "",
    message_id: str = "",
    status: str,
    error: str = "",
) -> OutboundMessage | None:
    """Apply a provider's report (webhook, status callback, bounce): the row moves forward
    only, so repeated and reordered reports change nothing backwards. Returns the row, or None
    when no row matches or the report would move it back."""
    if status not in STATUS_RANK:
        return None
    qs = OutboundMessage.objects.filter(channel=channel)
    if provider_message_id:
        qs = qs.filter(provider_message_id=provider_message_id)
    elif message_id:
        qs = qs.filter(message_id=message_id)
    else:
        return None
    with transaction.atomic():
        message = qs.select_for_update().order_by("pk").first()
        if message is None:
            return None
        current = STATUS_RANK[message.status]
        if STATUS_RANK[status] < current or status == message.status:
            return None
        if current == 4:  # failed or bounced: final
            return None
        message.status = status
        message.status_changed_at = timezone.now()
        fields = ["status", "status_changed_at"]
        if error:
            message.last_error = error[:1000]
            fields.append("last_error")
        if message.sent_at is None and status in (Status.SENT, Status.DELIVERED, Status.BOUNCED):
            message.sent_at = message.status_changed_at
            fields.append("sent_at")
        message.save(update_fields=fields)
    return message
