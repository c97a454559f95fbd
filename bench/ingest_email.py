"""How many received e-mails per second does one process take through the pipeline?
(target: at least 200 messages/s)

    .venv/bin/python bench/ingest_email.py [--count 5000] [--runs 1] [--confirmations]
        [--database-url postgres://postgres@127.0.0.1:5432/saksflyt_bench_email]

The fixture corpus (/work/shared/fixtures/email, every file, README and licence included) is
repeated to `--count` messages, each copy given its own Message-ID (otherwise the copies are
duplicates and only the first 114 would do any work). One process then does what the file
import and a worker do: store the raw bytes, `--batch` messages per transaction, then process
them with `inbound_process_many` (one transaction per batch, the rows' results written in one
statement): parse, classify, create the inquiry with its attachments through the e-mail intake
rule, or record why not. `--batch 1` stores and processes each message in transactions of its
own (as for a message from the webhook), which is bound by the few milliseconds of a durable
commit. `--confirmations` also turns on the intake rule's confirmation e-mail (an outbox row
per inquiry; sending it is the outbox's own benchmark). `--webhook-burst` stores each message
on its own first, as a burst of webhook posts would, and times only the worker's tasks (one
per message, each taking other waiting e-mails along up to a batch).

Reports messages/s and the outcomes. PostgreSQL only; the database is created and migrated if
needed, and each run's organization is deleted afterwards.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_PER_SECOND = 200
FIXTURES = Path("/work/shared/fixtures/email")
MESSAGE_ID = re.compile(rb"^(message-id:[ \t]*<?)", re.I | re.M)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/saksflyt_bench_email"
    )
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--confirmations", action="store_true")
    parser.add_argument(
        "--batch",
        type=int,
        default=50,
        help="messages stored per transaction and processed per task (1: one by one)",
    )
    parser.add_argument("--fixtures", default=str(FIXTURES))
    parser.add_argument(
        "--webhook-burst",
        action="store_true",
        help="store every message on its own first (as webhook posts), then time the worker's "
        "one task per message",
    )
    return parser.parse_args()


def ensure_database(url: str) -> None:
    """PostgreSQL only (the figure means nothing on SQLite); bench/run.py creates it."""
    import dj_database_url
    from run import ensure_database as create_if_missing

    if not dj_database_url.parse(url)["ENGINE"].endswith("postgresql"):
        raise SystemExit("PostgreSQL only: the figure means nothing on SQLite.")
    create_if_missing(url)


def corpus(folder: Path, count: int) -> list[bytes]:
    """`count` raw messages: the fixture files in turn, each copy with its own Message-ID."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    originals = [p.read_bytes() for p in files]
    messages = []
    for n in range(count):
        raw = originals[n % len(originals)]
        copy = n // len(originals)
        if raw.startswith(b"From "):  # an mbox "From " line: the message starts after it
            raw = raw.split(b"\n", 1)[-1]
        tag = f"bench{copy}.{n % len(originals)}.".encode()
        changed, replaced = MESSAGE_ID.subn(lambda m, tag=tag: m.group(1) + tag, raw, count=1)
        # Without a Message-ID the hash of the bytes is the key: make the bytes differ.
        messages.append(changed if replaced else b"X-Bench-Copy: %d\r\n" % copy + raw)
    return messages


def main() -> None:
    args = parse_args()
    ensure_database(args.database_url)
    media = tempfile.mkdtemp(prefix="bench-email-media-")
    os.environ.update(
        {
            "DATABASE_URL": args.database_url,
            "SECRET_KEY": "bench-only-not-secret",
            "ALLOWED_HOSTS": "localhost",
            "MEDIA_ROOT": media,
            "CELERY_TASK_ALWAYS_EAGER": "0",
        }
    )
    os.environ.pop("REDIS_URL", None)  # tasks queued by the run go to an in-memory broker
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import logging

    import django

    django.setup()
    logging.disable(
        logging.INFO if os.environ.get("BENCH_QUIET", "1") == "1" else logging.NOTSET
    )  # the corpus's broken messages log; not timed output
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from inquiries.email.pipeline import (
        inbound_process,
        inbound_process_many,
        inbound_process_waiting,
        inbound_store_many,
    )
    from inquiries.models import InboundEmail, IntakeRule
    from notifications.models import ReceivingAddress
    from organizations.models import Organization

    messages = corpus(Path(args.fixtures), args.count)
    rates = []
    for run in range(args.runs):
        org = Organization.objects.create(name=f"Bench e-mail {run}", slug=f"bench-email-{run}")
        ReceivingAddress.objects.create(
            organization=org, address=f"post@bench-email-{run}.example", is_primary=True
        )
        IntakeRule.objects.update_or_create(
            organization=org,
            channel_group=IntakeRule.ChannelGroup.EMAIL,
            defaults={"send_confirmation": args.confirmations},
        )
        if args.webhook_burst:
            # As the webhook stores them: one message per transaction, one task each (not
            # timed: that is the webhook's own figure). Then the worker's tasks, timed.
            ids = []
            for raw in messages:
                with transaction.atomic():
                    ids.append(
                        inbound_store_many(
                            org=org, raws=[raw], source="webhook", enqueue_processing=False
                        )[0][0]
                    )
        started = time.perf_counter()
        cpu_started = time.process_time()
        if args.webhook_burst:
            for pk in ids:
                inbound_process_waiting([pk])
        for start in range(0, len(messages) if not args.webhook_burst else 0, args.batch):
            with transaction.atomic():
                ids = [
                    pk
                    for pk, _created in inbound_store_many(
                        org=org,
                        raws=messages[start : start + args.batch],
                        source="imap",
                        enqueue_processing=False,
                    )
                ]
            if args.batch == 1:
                inbound_process(ids[0])
            else:
                inbound_process_many(ids)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        rate = len(messages) / elapsed
        rates.append(rate)
        outcomes: dict[str, int] = {}
        for outcome, status in InboundEmail.objects.filter(organization=org).values_list(
            "outcome", "status"
        ):
            key = outcome or status
            outcomes[key] = outcomes.get(key, 0) + 1
        stored = sum(outcomes.values())
        print(
            f"run {run + 1}: {len(messages)} messages ({stored} stored) in {elapsed:.2f} s = "
            f"{rate:.0f} messages/s (this process's CPU {cpu:.2f} s, "
            f"{1000 * cpu / len(messages):.1f} ms per message); "
            + ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items()))
        )
        org.delete()
    best = max(rates)
    verdict = "OK" if best >= TARGET_PER_SECOND else "BELOW TARGET"
    print(f"best {best:.0f} messages/s (target >= {TARGET_PER_SECOND}): {verdict}")


if __name__ == "__main__":
    main()
