"""How long does "Create cases" take for 1,000 inquiries? (target: at most 3 seconds)

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/saksflyt_bench_inq \
        .venv/bin/python bench/bulk_convert.py [--count 1000] [--runs 3]

PostgreSQL only: the figure means nothing on SQLite, so the script refuses it. The database is
created and migrated if needed; every run uses a fresh organization that is removed afterwards.
The inquiries look like real ones: three assignees in rotation, a team, a deadline, a
confirmation e-mail request, half the senders already customers, one in ten with a photo.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="saksflyt-bench-media-"))
TARGET_SECONDS = 3.0


def _ensure_database(url: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = config["NAME"]
    admin = psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "steelblue").save(buffer, format="PNG")
    return buffer.getvalue()


def _prepare(run: int, count: int):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from customers.models import Customer
    from inquiries.models import Channel, Inquiry, InquiryAttachment
    from inquiries.services.files import generated_name
    from inquiries.services.intake import intake_rule_for
    from organizations.models import Membership, Organization, Team, User

    stamp = f"{int(time.time())}-{run}"
    org = Organization.objects.create(name=f"Bench {stamp}", slug=f"bench-{stamp}")
    people = []
    for i in range(3):
        user = User.objects.create_user(f"bench-{stamp}-{i}@example.invalid")
        Membership.objects.create(organization=org, user=user, role=Membership.Role.CASEWORKER)
        people.append(user)
    team = Team.objects.create(organization=org, name="Reklamasjon")
    rule = intake_rule_for(org, Channel.WEB_FORM)
    rule.deadline_days, rule.send_confirmation, rule.priority = 7, True, "high"
    rule.save()
    rule.assignees.set(people)
    rule.teams.set([team])
    Customer.objects.bulk_create(
        [
            Customer(organization=org, name=f"Customer {n}", email=f"sender{n}@example.invalid")
            for n in range(0, count, 2)
        ]
    )
    inquiries = Inquiry.objects.bulk_create(
        [
            Inquiry(
                organization=org,
                channel=Channel.WEB_FORM,
                sender_name=f"Sender {n}",
                sender_email=f"sender{n}@example.invalid",
                sender_phone=f"+47 9{n:07d}",
                subject=f"Crack in the wall, flat {n}",
                message="There is a crack in the bathroom wall behind the shower.\n" * 3,
                location="Bathroom",
            )
            for n in range(count)
        ]
    )
    photo = _png()
    rows = []
    for inquiry in inquiries[::10]:
        stored = generated_name("png")
        name = default_storage.save(f"inquiries/{org.pk}/{stored}", ContentFile(photo))
        rows.append(
            InquiryAttachment(
                organization=org,
                inquiry=inquiry,
                file=name,
                stored_name=stored,
                original_name="photo.png",
                content_type="image/png",
                size=len(photo),
            )
        )
    InquiryAttachment.objects.bulk_create(rows)
    return org, people[0], [i.pk for i in inquiries]


def _cleanup(org) -> None:
    from cases.models import Case
    from organizations.models import User

    emails = f"bench-{org.slug.removeprefix('bench-')}-"
    Case.objects.filter(organization=org).delete()
    org.delete()
    User.objects.filter(email__startswith=emails).delete()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark organizations")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("Refusing: set DATABASE_URL to a PostgreSQL benchmark database.", file=sys.stderr)
        return 2
    _ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.models import CaseEvent
    from cases.tasks import make_thumbnails
    from inquiries.services.convert import inquiry_convert_many

    # Thumbnails of the copied photos are a Celery worker's job, queued after commit; without a
    # broker here Celery would run it inside the timed call. Record what would be queued.
    queued: list[list[int]] = []
    make_thumbnails.delay = queued.append

    if connection.vendor != "postgresql":
        print("Refusing: the benchmark runs on PostgreSQL only.", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)

    # A running web process has its URLconf and translations loaded: pay that once, untimed.
    org, actor, ids = _prepare(-1, 10)
    inquiry_convert_many(org=org, actor=actor, inquiries=ids)
    _cleanup(org)
    queued.clear()

    timings = []
    for run in range(args.runs):
        org, actor, ids = _prepare(run, args.count)
        try:
            with CaptureQueriesContext(connection) as queries:
                start, cpu_start = time.perf_counter(), time.process_time()
                cases = inquiry_convert_many(org=org, actor=actor, inquiries=ids)
                elapsed = time.perf_counter() - start
                cpu = time.process_time() - cpu_start
            events = CaseEvent.objects.filter(case__organization=org, kind="created").count()
            assert len(cases) == args.count == events, (len(cases), events)
            timings.append(elapsed)
            print(
                f"run {run + 1}: {args.count} inquiries -> {len(cases)} cases in "
                f"{elapsed:.2f} s ({cpu:.2f} s CPU in this process), {len(queries)} queries, "
                f"thumbnail jobs queued: {len(queued)} ({sum(map(len, queued))} photos) "
                f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
            )
            queued.clear()
        finally:
            if not args.keep:
                _cleanup(org)
    median = statistics.median(timings)
    verdict = "OK" if median <= TARGET_SECONDS else "TOO SLOW"
    print(f"median {median:.2f} s for {args.count} (target <= {TARGET_SECONDS:.0f} s): {verdict}")
    return 0 if median <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
