"""Service levels at 200,000 open cases: sorting the case list and the inbox by "due soonest"
next to the other sorts, and the escalation sweep.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/saksflyt \
        .venv/bin/python bench/service_levels.py [--cases 200000] [--requests 30]

Works in its own database (`saksflyt_bench_sla` on the DATABASE_URL's server; created, migrated
and filled on first use, kept for later runs). One organization gets `--cases` cases from
bench/generate.py, all made open (new or in progress) under one policy (first response within
4 business hours, resolution within 16, at risk at 80 %), with due times spread from two days
ago to five days ahead, as a live organization's would be. The markers of every threshold
passed before the "last sweep" are set, as earlier sweeps would have left them (with the
service's own `derive`).

Measured:

- the case list (`?sort=due`, its second page, `?sort=-created`, `?sort=deadline`) and the inbox
  (`?tab=all&sort=due` and `&sort=-created`) for a caseworker: median and p95 server time in
  process, and the SQL queries of one request;
- the escalation sweep (`service_levels_sweep`, what the beat job runs) when the last sweep ran
  a minute ago (the steady state: beat runs it every minute), 15 minutes ago and an hour ago
  (after an outage), each from the same data: time, thresholds notified, and the candidate query's
  plan (the partial index on sla_next_escalation).

Target: the sweep over 200,000 open cases in <= 2 s; "due soonest" pages cost what the other
sorts cost (keyset, the same number of queries).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SWEEP_TARGET_S = 2.0
SLUG = "bench-sla"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--database", default="saksflyt_bench_sla")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def generate_as_owner(args, url: str) -> None:
    """bench/generate.py loads rows with COPY, which PostgreSQL refuses under row-level
    security: generate in a child process that connects as the schema owner (the
    DATABASE_URL's role) for the application too."""
    import subprocess
    from urllib.parse import urlsplit

    env = {**os.environ, "DATABASE_URL": url, "DATABASE_APP_USER": urlsplit(url).username}
    command = [sys.executable, __file__, "--generate-only", "--cases", str(args.cases)]
    subprocess.run([*command, "--database", args.database], env=env, check=True)


def make_open_with_due_times(org, now: datetime.datetime) -> int:
    """Every case of `org` open and unanswered under one policy, its first response due from
    two days ago to five days ahead of `now` (resolution two days after, at-risk moments 80 %
    of the way), in one UPDATE."""
    from django.db import connection

    from cases.models import Case, ServiceLevelPolicy
    from organizations.calendar import calendar_save

    calendar_save(
        org=org,
        actor=None,
        country="NO",
        hours={day: (datetime.time(8), datetime.time(16)) for day in range(5)},
        risk_percent=80,
    )
    policy, _ = ServiceLevelPolicy.objects.get_or_create(
        organization=org,
        name="Normal",
        defaults={"priority": "", "first_response_minutes": 240, "resolution_minutes": 960},
    )
    table = Case._meta.db_table
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(0.13)")
        cur.execute(
            f"UPDATE {table} SET"
            " status = CASE WHEN random() < 0.34 THEN 'new' ELSE 'in_progress' END,"
            " first_response_at = NULL, resolved_at = NULL, closed_at = NULL,"
            " service_level_policy_id = %s, sla_first_response_minutes = 240,"
            " sla_resolution_minutes = 960, sla_risk_percent = 80,"
            " sla_paused_at = NULL, sla_paused = interval '0',"
            " first_response_due = %s + (random() * 7 - 2) * interval '1 day'"
            " WHERE organization_id = %s",
            [policy.pk, now, org.pk],
        )
        cur.execute(
            f"UPDATE {table} SET"
            " first_response_risk_at = first_response_due - interval '48 minutes',"
            " resolution_due = first_response_due + interval '2 days',"
            " resolution_risk_at = first_response_due + interval '2 days'"
            " - interval '3 hours 12 minutes'"
            " WHERE organization_id = %s",
            [org.pk],
        )
        return cur.rowcount


def mark_swept_until(org, last_sweep: datetime.datetime) -> None:
    """Set every case's markers as if the sweep last ran at `last_sweep`: thresholds passed
    by then are notified, `sla_next_escalation` is the next one not yet notified — the rule of
    cases.services.service_levels.derive for running, unanswered cases — in one UPDATE."""
    from django.db import connection

    from cases.models import Case

    table = Case._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {table} SET"
            " sla_fired = (CASE WHEN first_response_due <= %(last)s THEN 3"
            "   WHEN first_response_risk_at <= %(last)s THEN 1 ELSE 0 END)"
            " | (CASE WHEN resolution_due <= %(last)s THEN 12"
            "   WHEN resolution_risk_at <= %(last)s THEN 4 ELSE 0 END),"
            " sla_next_due = LEAST(first_response_due, resolution_due),"
            " sla_next_risk = LEAST(first_response_risk_at, resolution_risk_at),"
            " sla_next_escalation = LEAST("
            "   CASE WHEN first_response_due <= %(last)s THEN NULL"
            "     WHEN first_response_risk_at <= %(last)s THEN first_response_due"
            "     ELSE first_response_risk_at END,"
            "   CASE WHEN resolution_due <= %(last)s THEN NULL"
            "     WHEN resolution_risk_at <= %(last)s THEN resolution_due"
            "     ELSE resolution_risk_at END)"
            " WHERE organization_id = %(org)s",
            {"last": last_sweep, "org": org.pk},
        )
        cur.execute(f"ANALYZE {table}")


def sweep_once(org, now: datetime.datetime, last_sweep: datetime.datetime) -> tuple[float, int]:
    """(seconds, thresholds notified) of one sweep at `now` after one at `last_sweep`; the
    notices it writes are removed afterwards so each run starts from the same data."""
    from django.db import transaction

    from cases.services.service_level_sweep import service_levels_sweep
    from notifications.models import Notification, OutboundMessage

    mark_swept_until(org, last_sweep)
    start = time.perf_counter()
    notified = service_levels_sweep(now=now)
    seconds = time.perf_counter() - start
    with transaction.atomic():
        Notification.objects.filter(organization=org, kind="service_level").delete()
        OutboundMessage.objects.filter(organization=org, kind="service_level").delete()
    return seconds, notified


def candidate_plan(now: datetime.datetime) -> str:
    from django.db import connection

    from cases.models import Case

    query = (
        Case.objects.filter(sla_next_escalation__lte=now)
        .order_by("sla_next_escalation")
        .values_list("organization_id", "id")[:1000]
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cur.fetchall())


def main() -> None:
    args = parse_args()
    from run import bench_database_url, ensure_database, timed

    url = bench_database_url(args.database)
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SAKSFLYT_VAR_DIR", str(Path("/tmp/saksflyt-bench-var")))
    os.environ["ALLOWED_HOSTS"] = "testserver"
    # E-mails the sweep queues are only enqueued (in-process broker), as a web process or the
    # beat job does; sending them is a worker's work, not the sweep's.
    os.environ.pop("REDIS_URL", None)
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    from generate import generate_org, setup_django

    setup_django()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from cases.models import Case
    from cases.selectors.lists import case_list_filtered, case_page
    from organizations.models import Organization, User
    from organizations.tenancy import all_organizations, organization_scope

    call_command("migrate", verbosity=0)
    now = timezone.now().replace(microsecond=0)
    with all_organizations("benchmark set-up and measurement"):
        org = Organization.objects.filter(slug=SLUG).first()
        if org is None and args.generate_only:
            # Connected as the owner, whom row-level security does not bind: send no tenancy
            # setting, so generate.py's VACUUM is not wrapped in a transaction.
            import organizations.tenancy

            organizations.tenancy.database_value = lambda: None
            print(f"Generating {SLUG} ({args.cases:,} cases)...", flush=True)
            generate_org(SLUG, args.cases)
            return
        if org is None:
            generate_as_owner(args, url)
            org = Organization.objects.get(slug=SLUG)
        started = time.perf_counter()
        count = make_open_with_due_times(org, now)
        mark_swept_until(org, now - datetime.timedelta(minutes=1))
        print(f"{count:,} open cases with due times ({time.perf_counter() - started:.1f} s)")
        open_cases = Case.objects.filter(organization=org, status__in=Case.OPEN_STATUSES).count()

    client = Client()
    client.force_login(User.objects.get(email=f"bench-cw0@{SLUG}.example"))
    rows = []
    with organization_scope(org):
        first = case_page(case_list_filtered(org, {}), sort="due")
    pages = [
        ("case list, sort=due (due soonest)", f"/{SLUG}/cases/?sort=due"),
        ("case list, sort=due, page 2", f"/{SLUG}/cases/?sort=due&after={first.next_cursor}"),
        ("case list, sort=-created", f"/{SLUG}/cases/?sort=-created"),
        ("case list, sort=deadline", f"/{SLUG}/cases/?sort=deadline"),
        ("case list, sla=at_risk, sort=due", f"/{SLUG}/cases/?sla=at_risk&sort=due"),
        ("inbox (All), sort=due", f"/{SLUG}/?tab=all&sort=due"),
        ("inbox (All), sort=-created", f"/{SLUG}/?tab=all&sort=-created"),
    ]
    for label, page_url in pages:
        median, p95, queries = timed(client, page_url, args.requests, args.warmup)
        rows.append((label, median, p95, queries))
        print(
            f"{label:38} median {median:6.1f} ms  p95 {p95:6.1f} ms  {queries:3d} queries",
            flush=True,
        )

    sweeps = []
    with all_organizations("benchmark measurement"):
        for label, gap in (
            ("last sweep 1 minute ago (steady state)", datetime.timedelta(minutes=1)),
            ("last sweep 15 minutes ago", datetime.timedelta(minutes=15)),
            ("last sweep 1 hour ago (after an outage)", datetime.timedelta(hours=1)),
        ):
            seconds, notified = sweep_once(org, now, now - gap)
            sweeps.append((label, seconds, notified))
            print(f"sweep, {label:40} {seconds:6.2f} s  {notified:6,} thresholds", flush=True)
        mark_swept_until(org, now - datetime.timedelta(minutes=1))
        print("\nCandidate query plan (steady state):\n" + candidate_plan(now))

    print(f"\n{open_cases:,} open cases.\n")
    print("| page | median ms | p95 ms | queries |")
    print("|---|---:|---:|---:|")
    for label, median, p95, queries in rows:
        print(f"| {label} | {median:.1f} | {p95:.1f} | {queries} |")
    print("\n| escalation sweep | seconds | thresholds notified |")
    print("|---|---:|---:|")
    for label, seconds, notified in sweeps:
        print(f"| {label} | {seconds:.2f} | {notified:,} |")
    steady = sweeps[0][1]
    print(
        f"\nSweep at steady state: {steady:.2f} s (target <= {SWEEP_TARGET_S} s): "
        + ("met" if steady <= SWEEP_TARGET_S else "NOT met")
    )


if __name__ == "__main__":
    main()
