"""Printing figures: one case PDF (target median <= 0.5 s) and 500 container labels in one PDF
through one worker (target <= 10 s).

    .venv/bin/python bench/print_pdf.py [--runs 5] [--labels 500]
        [--database-url postgres://postgres@127.0.0.1:5432/saksflyt_bench_print]
        [--redis-url redis://127.0.0.1:6379/3]

Case PDF: a case with a customer, property, agreement, three containers, five tasks, twenty
messages with the customer and ten notes, rendered in-process (`case_pdf_render`: the
selectors, the template and WeasyPrint) --runs times after one warm-up; the median is the
figure. Labels: a real `celery worker --pool=solo` process (started and warmed up with a
one-label job first); the clock runs from creating the job until its row says done, and the
whole run is repeated --runs times (median). PostgreSQL only; the Redis database is flushed
before and after: give the script one of its own.
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
sys.path.insert(0, str(ROOT / "bench"))
CASE_TARGET, LABELS_TARGET = 0.5, 10.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/saksflyt_bench_print"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--labels", type=int, default=500)
    return parser.parse_args()


def make_case(org, user):
    import datetime

    from cases.models import CaseEvent
    from cases.services.cases import case_create
    from cases.services.notes import note_add
    from cases.services.tasks import task_add
    from customers.models import Customer
    from properties.models import Agreement, Container, Property

    prop = Property.objects.create(organization=org, address="Fjordgata 7", city="Ålesund")
    Agreement.objects.create(
        organization=org, property=prop, period_start=datetime.date(2026, 1, 1), price=990
    )
    customer = Customer.objects.create(organization=org, name="Øystein Åberg", email="o@ex.no")
    case = case_create(
        org=org,
        actor=user,
        title="Lekkasje på badet – ÆØÅ äö",
        description="Vannet renner under døra. " * 40,
        customer=customer,
        property=prop,
    )
    for n in range(3):
        case.containers.add(
            Container.objects.create(
                organization=org, property=prop, container_id=f"C-{n}", fraction="Rest"
            )
        )
    for n in range(5):
        task_add(org=org, actor=user, case=case, title=f"Oppgave {n}")
    for n in range(10):
        note_add(org=org, actor=user, case=case, body=f"Notat {n}: " + "intern tekst " * 20)
    CaseEvent.objects.bulk_create(
        CaseEvent(
            organization=org,
            case=case,
            kind=CaseEvent.Kind.MESSAGE_IN if n % 2 else CaseEvent.Kind.MESSAGE_OUT,
            data={
                "to": "o@ex.no",
                "from": "o@ex.no",
                "subject": f"Melding {n}",
                "text": "Hei, dette er en melding om saken. " * 10,
                "purpose": "reply",
            },
        )
        for n in range(20)
    )
    return case


def wait_done(job, timeout: float = 300) -> float:
    from printing.models import PrintJob

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        status = PrintJob.objects.filter(pk=job.pk).values_list("status", flat=True).first()
        if status == PrintJob.Status.DONE:
            return time.perf_counter()
        if status == PrintJob.Status.FAILED:
            raise SystemExit(f"job {job.pk} failed")
        time.sleep(0.05)
    raise SystemExit(f"job {job.pk} not done after {timeout}s")


def main() -> int:
    args = parse_args()
    from outbox_send import ensure_database, environment, start_worker

    env = environment(args)
    os.environ.update(env)
    ensure_database(args.database_url)

    import django

    django.setup()
    import redis
    from django.core.management import call_command
    from django.db import transaction

    from config.celery import app as celery_app
    from organizations.models import Membership, Organization, User
    from printing.services.case_pdf import STAFF, case_pdf_render
    from printing.services.jobs import labels_job_create
    from properties.models import Container, Property

    celery_app.conf.task_always_eager = False
    call_command("migrate", verbosity=0)
    broker = redis.Redis.from_url(args.redis_url)
    broker.flushdb()
    stamp = int(time.time())
    org = Organization.objects.create(name=f"Bench print {stamp}", slug=f"bench-print-{stamp}")
    user = User.objects.create_user(email=f"bench{stamp}@example.invalid", password=None)
    Membership.objects.create(organization=org, user=user, role=Membership.Role.ADMIN)
    worker = None
    try:
        case = make_case(org, user)
        case_pdf_render(org, case.number, audience=STAFF, include_notes=True, language="nb")
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            case_pdf_render(org, case.number, audience=STAFF, include_notes=True, language="nb")
            samples.append(time.perf_counter() - start)
        case_median = statistics.median(samples)
        print(f"case PDF: median {case_median:.3f}s, max {max(samples):.3f}s ({args.runs} runs)")

        prop = Property.objects.create(organization=org, address="Storgata 1", city="Oslo")
        Container.objects.bulk_create(
            Container(
                organization=org,
                property=prop,
                container_id=f"B-{n:05d}",
                fraction="Restavfall",
                container_type="Kärl",
                size_litres=240,
            )
            for n in range(args.labels)
        )
        ids = list(Container.objects.filter(property=prop).values_list("pk", flat=True))
        log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-print-worker-{stamp}.log"
        worker = start_worker(env, log_path)
        with transaction.atomic():
            warm = labels_job_create(org=org, actor=user, container_ids=ids[:1])
        wait_done(warm, timeout=120)
        print("worker ready")
        label_samples = []
        for run in range(1, args.runs + 1):
            start = time.perf_counter()
            with transaction.atomic():
                job = labels_job_create(org=org, actor=user, container_ids=ids)
            label_samples.append(wait_done(job) - start)
            print(f"run {run}: {args.labels} labels done after {label_samples[-1]:.2f}s")
        labels_median = statistics.median(label_samples)
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
        broker.flushdb()
        org.delete()
        user.delete()
    ok = case_median <= CASE_TARGET and labels_median <= LABELS_TARGET
    print(
        f"case PDF median {case_median:.3f}s (target {CASE_TARGET}s); {args.labels} labels"
        f" median {labels_median:.2f}s (target {LABELS_TARGET:.0f}s): {'OK' if ok else 'TOO SLOW'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
