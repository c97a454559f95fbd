"""The outbox survives a SIGKILLed worker and a flushed Redis: a real Celery worker, in its own
process, sends 200 queued e-mails through a transport that records every delivery in a file
(O_APPEND, so deliveries from both worker processes land in one place).

Deterministic kill: the transport hangs on the Nth message *before* delivering it (a provider
call that never returns); the test SIGKILLs the worker while it hangs, flushes the broker's
Redis database, starts a new worker, and lets the sweeper re-enqueue what is left. Every row
must end `sent` and every message must have been delivered exactly once.

The batch path the worker takes (`message_deliver_many`) is also tested in-process below.

Random kill: the worker is killed at a moment the test does not choose (after a random number
of deliveries). Then a message the provider accepted just before the kill, whose row did not
yet say `sent`, is sent again when its lease runs out — the one window the outbox documents —
so the test asserts every row sent, every message delivered at least once, and at most one
(the one in flight, whose row shows a second attempt) delivered twice.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

from tests.markers import postgresql_only

real_worker = pytest.mark.skipif(
    not settings.REDIS_URL, reason="needs Redis (REDIS_URL) for a real worker"
)

MESSAGES = 200
HANG_AT = 80
LEASE_SECONDS = 8


# --- The recording transport (runs inside the worker processes) --------------------------------


def _append_line(path: str, line: str) -> int:
    """Append one line atomically (O_APPEND) and return how many lines the file now has."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    with open(path, "rb") as fh:
        return fh.read().count(b"\n")


class RecordingEmailBackend(BaseEmailBackend):
    """Delivers by appending the Message-ID to $OUTBOX_TEST_DIR/delivered. With
    $OUTBOX_TEST_HANG_AT=N, the Nth send call (counted across processes in `attempts`) writes
    `hung` and sleeps instead of delivering."""

    def send_messages(self, messages):
        folder = os.environ["OUTBOX_TEST_DIR"]
        hang_at = int(os.environ.get("OUTBOX_TEST_HANG_AT") or 0)
        for message in messages:
            message_id = message.extra_headers["Message-ID"]
            attempt = _append_line(os.path.join(folder, "attempts"), message_id)
            if attempt == hang_at:
                _append_line(os.path.join(folder, "hung"), message_id)
                time.sleep(3600)  # the provider never answers; the test kills us here
            _append_line(os.path.join(folder, "delivered"), message_id)
        return len(messages)


# --- Test helpers -------------------------------------------------------------------------------


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def _wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Workers:
    """Starts real `celery worker` processes against the test database and Redis db, and
    makes sure none outlives the test."""

    def __init__(self, folder: Path, hang_at: int = 0) -> None:
        from django.db import connection

        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        self.folder = folder
        self.env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "SAKSFLYT_TESTING": "1",
            "EMAIL_BACKEND": f"{__name__}.RecordingEmailBackend",
            "OUTBOX_TEST_DIR": str(folder),
            "OUTBOX_TEST_HANG_AT": str(hang_at),
            "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
            "OUTBOX_SWEEP_GRACE_SECONDS": "0",
            "PYTHONPATH": str(settings.BASE_DIR),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        self.procs: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        n = len(self.procs)
        log = open(self.folder / f"worker{n}.log", "wb")  # noqa: SIM115 - lives with the process
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=outbox-kill-{os.getpid()}-{n}@%h",
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)


@pytest.fixture
def broker(settings):
    """The test process enqueues to Redis (not eagerly); the broker db starts and ends empty."""
    import redis

    from config.celery import app as celery_app

    settings.OUTBOX_SWEEP_GRACE_SECONDS = 0
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()  # our own Redis db (REDIS_URL), never FLUSHALL
    celery_app.conf.task_always_eager = False
    try:
        yield client
    finally:
        celery_app.conf.task_always_eager = True
        client.flushdb()


def _queue_messages(count: int):
    from notifications.models import OutboundMessage
    from notifications.outbox import message_queue_many
    from tests.factories.organizations import OrganizationFactory

    org = OrganizationFactory(slug="outbox-kill")
    rows = message_queue_many(  # committed at once (autocommit): tasks go to Redis now
        [
            {"org": org, "channel": "email", "to": f"r{i}@example.no", "text": f"#{i}"}
            for i in range(count)
        ]
    )
    assert OutboundMessage.objects.count() == count
    return rows


def _statuses():
    from django.db.models import Count

    from notifications.models import OutboundMessage

    return dict(OutboundMessage.objects.values_list("status").annotate(n=Count("pk")))


def _all_sent():
    return _statuses() == {"sent": MESSAGES}


@pytest.mark.celery
@real_worker
@pytest.mark.django_db(transaction=True)
def test_sigkill_mid_send_then_redis_flush_sends_every_message_exactly_once(broker, tmp_path):
    from notifications.models import OutboundMessage
    from notifications.outbox import outbox_sweep

    rows = _queue_messages(MESSAGES)
    workers = Workers(tmp_path, hang_at=HANG_AT)
    try:
        first = workers.start()
        # The worker hangs in the provider call of message N, after N-1 deliveries.
        _wait_until(lambda: (tmp_path / "hung").exists(), 60, "the worker to hang")
        workers.kill(first)
        (hung_id,) = _lines(tmp_path / "hung")
        assert len(_lines(tmp_path / "delivered")) == HANG_AT - 1
        assert hung_id not in _lines(tmp_path / "delivered")
        assert _statuses() == {
            "sent": HANG_AT - 1,
            "sending": 1,
            "queued": MESSAGES - HANG_AT,
        }
        hung = OutboundMessage.objects.get(message_id=hung_id)
        assert hung.status == "sending" and hung.attempts == 1

        broker.flushdb()  # Redis loses every queued and unacknowledged task
        workers.start()
        # The sweeper re-enqueues the queued rows; the hung row is still leased to the dead
        # worker, so it waits for its lease to run out.
        assert outbox_sweep() == MESSAGES - HANG_AT
        _wait_until(
            lambda: _statuses() == {"sent": MESSAGES - 1, "sending": 1}, 60, "the queued rows"
        )
        hung.refresh_from_db()
        assert hung.status == "sending"

        _wait_until(lambda: outbox_sweep() == 1, LEASE_SECONDS + 20, "the lease to run out")
        _wait_until(_all_sent, 30, "the hung row")
    finally:
        workers.stop_all()

    delivered = _lines(tmp_path / "delivered")
    expected = sorted(row.message_id for row in rows)
    assert sorted(delivered) == expected  # each message exactly once, none lost, none twice
    attempts = dict(OutboundMessage.objects.values_list("message_id", "attempts"))
    assert attempts[hung_id] == 2
    assert {a for mid, a in attempts.items() if mid != hung_id} == {1}
    assert not OutboundMessage.objects.exclude(last_error="").exists()


@pytest.mark.celery
@real_worker
@pytest.mark.django_db(transaction=True)
def test_sigkill_at_a_random_moment_loses_nothing(broker, tmp_path):
    from notifications.models import OutboundMessage
    from notifications.outbox import outbox_sweep

    rows = _queue_messages(MESSAGES)
    kill_after = random.randint(10, MESSAGES - 20)
    workers = Workers(tmp_path)
    try:
        first = workers.start()
        _wait_until(lambda: len(_lines(tmp_path / "delivered")) >= kill_after, 60, "deliveries")
        workers.kill(first)  # wherever it is: in the transport, in the database, in Celery
        broker.flushdb()
        workers.start()
        # Rows the dead worker held wait for their lease; sweep (as beat would, but every
        # second) until everything is sent.
        deadline = time.monotonic() + LEASE_SECONDS + 40
        while not _all_sent():
            assert time.monotonic() < deadline, f"not all sent: {_statuses()}"
            outbox_sweep()
            time.sleep(1)
    finally:
        workers.stop_all()

    delivered = _lines(tmp_path / "delivered")
    expected = {row.message_id for row in rows}
    assert set(delivered) == expected, f"killed after {kill_after}: lost messages"
    twice = {mid for mid in delivered if delivered.count(mid) > 1}
    # Only the one message in flight at the kill may be sent twice (solo pool: one at a time),
    # and only if the provider had accepted it when the worker died.
    assert len(twice) <= 1 and len(delivered) == len(expected) + len(twice), (
        f"killed after {kill_after}: {twice}"
    )
    attempts = dict(OutboundMessage.objects.values_list("message_id", "attempts"))
    assert sum(a - 1 for a in attempts.values()) <= 1
    for mid in twice:
        assert attempts[mid] == 2


@pytest.mark.celery
@real_worker
@pytest.mark.django_db(transaction=True)
def test_two_workers_with_every_task_twice_send_each_message_once(broker, tmp_path):
    """Two worker processes race for the same rows: every row is enqueued (in batches) and
    then swept again at once, so each has two tasks, likely on different workers."""
    from notifications.models import OutboundMessage
    from notifications.outbox import outbox_sweep

    rows = _queue_messages(MESSAGES)
    assert outbox_sweep() == MESSAGES  # grace 0: every queued row gets a second task
    workers = Workers(tmp_path)
    try:
        workers.start()
        workers.start()
        _wait_until(_all_sent, 60, "all sent")
        # The duplicate tasks drain (and the workers finish the ones they hold when stopped,
        # warm shutdown): they must find nothing left to send.
        _wait_until(lambda: broker.llen("celery") == 0, 30, "the queue to drain")
    finally:
        workers.stop_all()
    delivered = _lines(tmp_path / "delivered")
    assert sorted(delivered) == sorted(row.message_id for row in rows)
    assert set(OutboundMessage.objects.values_list("attempts", flat=True)) == {1}
    logs = [(tmp_path / f"worker{n}.log").read_text() for n in range(2)]
    assert not any("Traceback" in log for log in logs), logs


# --- The batch path, in-process ----------------------------------------------------------------


def _queued(org, count, channel="email"):
    from notifications.outbox import message_queue_many

    to = (lambda i: f"r{i}@example.no") if channel == "email" else (lambda i: f"+479000000{i}")
    return message_queue_many(  # on-commit tasks never run here: the test delivers
        [{"org": org, "channel": channel, "to": to(i), "text": f"#{i}"} for i in range(count)]
    )


def test_a_batch_sends_each_due_row_once_in_one_statement_per_message(tenant, monkeypatch):
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.models import OutboundMessage
    from notifications.outbox import message_deliver, message_deliver_many

    rows = _queued(tenant.org, 6)
    assert message_deliver(rows[0].pk) == "sent"
    ids = [row.pk for row in rows]
    with CaptureQueriesContext(connection) as queries:
        outcomes = message_deliver_many([*ids, ids[3]])  # one already sent, one twice
    assert outcomes == {"skipped": 1, "sent": 5}
    assert len(mail.outbox) == 6
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        row.message_id for row in rows
    )
    if connection.vendor == "postgresql":
        # A claim per row, each recording the previous row's `sent`, and the last `sent`.
        assert len(queries) == len(ids) + 1
    for row in OutboundMessage.objects.filter(pk__in=ids):
        assert row.status == "sent" and row.attempts == 1 and row.sent_at
        assert row.provider_message_id == row.message_id and row.lease_until is None


def test_a_failure_in_a_batch_is_recorded_and_the_rest_are_sent(tenant, settings):
    from notifications.models import OutboundMessage
    from notifications.outbox import message_deliver_many
    from notifications.transports import LocMemSmsBackend

    settings.SMS_BACKEND = f"{__name__}.RefusesSecond"
    RefusesSecond.calls = 0
    rows = _queued(tenant.org, 4, channel="sms")
    assert message_deliver_many([row.pk for row in rows]) == {"sent": 3, "failed": 1}
    statuses = [OutboundMessage.objects.get(pk=row.pk) for row in rows]
    assert [m.status for m in statuses] == ["sent", "failed", "sent", "sent"]
    assert statuses[1].last_error == "invalid number"
    assert [m.provider_message_id for m in statuses] == ["sms-1", "", "sms-3", "sms-4"]
    assert LocMemSmsBackend.outbox == []  # the batch used the configured backend


class RefusesSecond:
    calls = 0

    def send(self, sms):
        from notifications.transports import SendError

        type(self).calls += 1
        if type(self).calls == 2:
            raise SendError("invalid number", permanent=True)
        return f"sms-{type(self).calls}"


def test_a_batch_over_its_time_budget_hands_the_rest_on(tenant, monkeypatch):
    from notifications.models import OutboundMessage
    from notifications.outbox import delivery

    rows = _queued(tenant.org, 5)
    handed = []
    monkeypatch.setattr(delivery, "TASK_BUDGET_SECONDS", 0.0)
    monkeypatch.setattr(delivery, "enqueue", lambda org_id, ids: handed.append((org_id, ids)))
    outcomes = delivery.message_deliver_many([row.pk for row in rows])
    assert outcomes == {"sent": 1, "handed on": 4}
    assert handed == [(tenant.org.pk, [row.pk for row in rows[1:]])]
    assert OutboundMessage.objects.get(pk=rows[0].pk).status == "sent"
    handed_ids = handed[0][1]
    statuses = OutboundMessage.objects.filter(pk__in=handed_ids).values_list("status", flat=True)
    assert set(statuses) == {"queued"}


def test_a_batch_skips_rows_another_worker_holds_or_that_are_not_due(tenant):
    import datetime

    from django.utils import timezone

    from notifications.models import OutboundMessage
    from notifications.outbox import message_deliver_many

    held, later, expired, due = _queued(tenant.org, 4)
    soon = timezone.now() + datetime.timedelta(minutes=5)
    past = timezone.now() - datetime.timedelta(minutes=5)
    OutboundMessage.objects.filter(pk=held.pk).update(status="sending", lease_until=soon)
    OutboundMessage.objects.filter(pk=later.pk).update(next_attempt_at=soon)
    OutboundMessage.objects.filter(pk=expired.pk).update(
        status="sending", lease_until=past, attempts=1
    )
    outcomes = message_deliver_many([held.pk, later.pk, expired.pk, due.pk])
    assert outcomes == {"skipped": 2, "sent": 2}
    status = dict(OutboundMessage.objects.values_list("pk", "status"))
    assert status == {held.pk: "sending", later.pk: "queued", expired.pk: "sent", due.pk: "sent"}
    assert OutboundMessage.objects.get(pk=expired.pk).attempts == 2


def test_enqueue_batches_ids_into_tasks(monkeypatch):
    from notifications import outbox, tasks

    single, batches = [], []
    monkeypatch.setattr(tasks.send_message, "delay", lambda org, pk: single.append((org, pk)))
    monkeypatch.setattr(tasks.send_messages, "delay", lambda org, ids: batches.append((org, ids)))
    outbox.enqueue(7, range(1, outbox.TASK_BATCH * 2 + 2))
    assert [(org, len(ids)) for org, ids in batches] == [(7, outbox.TASK_BATCH)] * 2
    assert single == [(7, outbox.TASK_BATCH * 2 + 1)]


@postgresql_only("the one-statement claim")
def test_a_claim_records_the_previous_send_in_the_same_statement(tenant):
    from django.utils import timezone

    from notifications.models import OutboundMessage
    from notifications.outbox.delivery import Sent, _claim

    first, second, third = _queued(tenant.org, 3)
    assert _claim(first.pk) is not None
    assert _claim(second.pk, record=Sent(first.pk, "p-1", timezone.now()))
    assert _claim(third.pk, record=Sent(second.pk, "p-2", timezone.now()))
    sent = dict(
        OutboundMessage.objects.filter(status="sent").values_list("pk", "provider_message_id")
    )
    assert sent == {first.pk: "p-1", second.pk: "p-2"}
    assert OutboundMessage.objects.get(pk=third.pk).status == "sending"
