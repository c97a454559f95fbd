"""How long does one worker take to send 1,000 queued messages? (target: at most 5 seconds)

    .venv/bin/python bench/outbox_send.py [--count 1000] [--runs 3] [--mode many|single]
        [--database-url postgres://postgres@127.0.0.1:5432/saksflyt_bench_outbox]
        [--redis-url redis://127.0.0.1:6379/4]

A real `celery worker --pool=solo` process (as in production, one process) on Redis, with
Django's in-memory (locmem) e-mail backend, so the figure is the outbox's own cost: tasks,
claiming rows, building the e-mails, recording the outcome. The worker is started and warmed
up (one message) before the clock starts. Then the script queues the rows and waits until the
database says every one is `sent`:

- `many` (default): one `message_queue_many` call, as bulk case creation does;
- `single`: one `message_queue` call (its own transaction and task) per message, as replies
  and notifications do.

Reports the time to queue (insert + enqueue after commit) and the time until the last row is
sent, from the moment the queueing started.

Note: Celery's Django fixup closes every database connection before and after each task
unless CELERY_DB_REUSE_MAX is set, so each task opens a new PostgreSQL connection (most of
the cost of a one-message task); batch tasks pay it once per TASK_BATCH messages.

PostgreSQL only; the database is created and migrated if needed, and each run's organization
is deleted afterwards. The Redis database is flushed (FLUSHDB) before and after: give the
script one of its own.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_SECONDS = 5.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/saksflyt_bench_outbox"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/4")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mode", choices=("many", "single"), default="many")
    return parser.parse_args()


def ensure_database(url: str) -> None:
    """PostgreSQL only (the figure means nothing on SQLite); bench/run.py creates it."""
    import dj_database_url
    from run import ensure_database as create_if_missing

    if not dj_database_url.parse(url)["ENGINE"].endswith("postgresql"):
        raise SystemExit("PostgreSQL only: the figure means nothing on SQLite.")
    create_if_missing(url)


def environment(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
            "SECRET_KEY": "bench-only-not-secret",
            "ALLOWED_HOSTS": "localhost",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "SMS_BACKEND": "notifications.transports.LocMemSmsBackend",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    log = open(log_path, "wb")  # noqa: SIM115 - the worker writes it
    try:
        return subprocess.Popen(
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
                f"--hostname=bench-outbox-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        log.close()


def wait_all_sent(org, ids: list[int], timeout: float) -> float:
    from django.db.models import Count

    from notifications.models import OutboundMessage

    deadline = time.perf_counter() + timeout
    # A cheap indexed check, so that polling does not take the worker's CPU.
    pending = OutboundMessage.objects.filter(organization=org, status__in=["queued", "sending"])
    while pending.exists():
        if time.perf_counter() > deadline:
            counts = dict(
                OutboundMessage.objects.filter(pk__in=ids)
                .values_list("status")
                .annotate(n=Count("pk"))
            )
            raise SystemExit(f"not all sent after {timeout}s: {counts}")
        time.sleep(0.05)
    return time.perf_counter()


def run_once(org, count: int, mode: str) -> tuple[float, float]:
    from django.db import transaction

    from notifications.outbox import message_queue, message_queue_many

    items = [
        {
            "org": org,
            "channel": "email",
            "to": f"recipient{n}@example.invalid",
            "subject": f"Case {n} created",
            "text": "We have received your inquiry and created a case.\n" * 5,
            "automatic": True,
        }
        for n in range(count)
    ]
    start = time.perf_counter()
    if mode == "many":
        with transaction.atomic():
            rows = message_queue_many(items)
    else:
        rows = []
        for item in items:
            with transaction.atomic():
                rows.append(message_queue(**item))
    queued = time.perf_counter()
    done = wait_all_sent(org, [row.pk for row in rows], timeout=120)
    return queued - start, done - start


def main() -> int:
    args = parse_args()
    env = environment(args)
    os.environ.update(env)
    ensure_database(args.database_url)

    import django

    django.setup()
    import redis
    from django.core.management import call_command

    from config.celery import app as celery_app
    from notifications.models import OutboundMessage
    from organizations.models import Organization

    celery_app.conf.task_always_eager = False
    call_command("migrate", verbosity=0)
    broker = redis.Redis.from_url(args.redis_url)
    broker.flushdb()

    stamp = int(time.time())
    org = Organization.objects.create(name=f"Bench outbox {stamp}", slug=f"bench-outbox-{stamp}")
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-outbox-worker-{stamp}.log"
    worker = start_worker(env, log_path)
    results = []
    try:
        warm = run_once(org, 1, args.mode)  # the worker is up and connected when this is sent
        print(f"worker ready (warm-up message sent after {warm[1]:.2f}s)")
        for run in range(1, args.runs + 1):
            queue_s, total_s = run_once(org, args.count, args.mode)
            results.append(total_s)
            print(
                f"run {run}: {args.count} messages ({args.mode}) queued in {queue_s:.2f}s,"
                f" all sent after {total_s:.2f}s ({args.count / total_s:.0f}/s)"
            )
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        broker.flushdb()
        OutboundMessage.objects.filter(organization=org).delete()
        org.delete()
    median = statistics.median(results)
    verdict = "OK" if median <= TARGET_SECONDS else "TOO SLOW"
    print(
        f"median {median:.2f}s for {args.count} messages; target {TARGET_SECONDS:.0f}s: {verdict}"
    )
    print(f"worker log: {log_path}")
    return 0 if median <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
