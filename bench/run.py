"""`make bench`: server time and SQL queries of the busiest staff pages at 10k and 100k cases.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/saksflyt \
        .venv/bin/python bench/run.py [--sizes 10000,100000] [--requests 50] [--explain]

Works in its own database (the DATABASE_URL's server, database `saksflyt_bench` unless
--database says otherwise; created, migrated and filled on first use, kept for later runs), so
the development database stays clean. PostgreSQL only: figures from SQLite would mean nothing.

For each size one organization holds all the cases (bench/generate.py); a caseworker with a
realistic share of them (created ~1/30, assigned ~1/30, one of five teams, mentions, tasks)
signs in with the Django test client. Each page is requested `--warmup` times, then timed
`--requests` times in-process (the Django handler, template rendering and every query; no
network): median and 95th percentile, plus the number of SQL queries of one request.
Targets at 100k cases: inbox p95 <= 50 ms and <= 15 queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

INBOX_TARGET_MS, INBOX_TARGET_QUERIES = 50, 15


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="cases per organization")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--database", default="saksflyt_bench")
    parser.add_argument("--explain", action="store_true", help="print the inbox query plans")
    return parser.parse_args()


def bench_database_url(database: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "bench/run.py needs PostgreSQL: set DATABASE_URL=postgres://... (the benchmark "
            "uses its own database on that server). SQLite figures would mean nothing."
        )
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}")


def timed(client, url: str, requests: int, warmup: int) -> tuple[float, float, int]:
    """(median ms, p95 ms, queries) of GET `url`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
    return statistics.median(samples), p95, len(ctx.captured_queries)


def explain(org, user) -> None:
    """EXPLAIN ANALYZE of the inbox's own queries (page ids with tab counts, rows)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.selectors.inbox import inbox_with_counts

    with CaptureQueriesContext(connection) as ctx:
        inbox_with_counts(org, user, "unanswered")
        inbox_with_counts(org, user, "all")
    for query in ctx.captured_queries:
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            print(f"\n-- {query['sql'][:100]}...\n" + "\n".join(r[0] for r in cur.fetchall()))


def add_busy_case(org, events: int = 200):
    """One more case whose page shows `events` history entries, made through the services."""
    from cases.models import CaseEvent
    from cases.services.cases import case_change, case_create
    from cases.services.notes import note_add
    from cases.services.tasks import task_add
    from cases.services.time import time_entry_add
    from organizations.models import User

    actor = User.objects.get(email=f"bench-cw0@{org.slug}.example")
    other = User.objects.get(email=f"bench-cw1@{org.slug}.example")
    case = case_create(org=org, actor=actor, title="Sak med lang historikk", assignee=actor)
    i = 0
    while CaseEvent.objects.filter(case=case).count() < events:
        step = i % 5
        if step == 0:
            note_add(org=org, actor=actor, case=case, body=f"Notat nummer {i}: ringte kunden.")
        elif step == 1:
            task_add(org=org, actor=actor, case=case, title=f"Oppgave {i}", assignee=other)
        elif step == 2:
            time_entry_add(org=org, actor=actor, case=case, minutes=15 + i % 30, note="Arbeid")
        elif step == 3:
            case_change(
                org=org,
                actor=actor,
                case=case,
                priority="high" if case.priority != "high" else "normal",
            )
        else:
            case_change(
                org=org,
                actor=actor,
                case=case,
                assignee=other if case.assignee_id == actor.pk else actor,
            )
        i += 1
    return case


def main() -> None:
    args = parse_args()
    url = bench_database_url(args.database)
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SAKSFLYT_VAR_DIR", str(Path("/tmp/saksflyt-bench-var")))
    os.environ["ALLOWED_HOSTS"] = "testserver"  # the Django test client's host
    from generate import generate_org, setup_django

    setup_django()
    from django.core.management import call_command
    from django.test import Client

    from cases.models import Case
    from organizations.models import Organization, User

    call_command("migrate", verbosity=0)
    rows = []
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        slug = f"bench-{size // 1000}k" if size >= 1000 else f"bench-{size}"
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            print(f"Generating {slug} ({size} cases)...")
            org = generate_org(slug, size)
            add_busy_case(org)
        user = User.objects.get(email=f"bench-cw0@{slug}.example")
        busy = (
            Case.objects.filter(organization=org, title="Sak med lang historikk")
            .order_by("-number")
            .first()
        )
        client = Client()
        client.force_login(user)
        pages = [
            ("inbox (Unanswered)", f"/{slug}/"),
            ("inbox (All)", f"/{slug}/?tab=all"),
            ("case list, status=in_progress", f"/{slug}/cases/?status=in_progress"),
            (
                "case list, status=closed, sort=deadline",
                f"/{slug}/cases/?status=closed&sort=deadline",
            ),
            (f"case page, {busy.events.count()} events", f"/{slug}/cases/{busy.number}/"),
        ]
        total = Case.objects.filter(organization=org).count()
        for label, page_url in pages:
            median, p95, queries = timed(client, page_url, args.requests, args.warmup)
            rows.append((f"{total:,}", label, median, p95, queries))
            print(
                f"{total:>8,}  {label:42} median {median:6.1f} ms  p95 {p95:6.1f} ms  "
                f"{queries:3d} queries",
                flush=True,
            )
        if args.explain:
            explain(org, user)

    print("\n| cases | page | median ms | p95 ms | queries |")
    print("|---:|---|---:|---:|---:|")
    for total, label, median, p95, queries in rows:
        print(f"| {total} | {label} | {median:.1f} | {p95:.1f} | {queries} |")
    inbox = [r for r in rows if r[1].startswith("inbox (Unanswered)")]
    if inbox:
        _, _, _, p95, queries = inbox[-1]
        ok = p95 <= INBOX_TARGET_MS and queries <= INBOX_TARGET_QUERIES
        print(
            f"\nInbox at the largest size: p95 {p95:.1f} ms (target <= {INBOX_TARGET_MS}), "
            f"{queries} queries (target <= {INBOX_TARGET_QUERIES}): " + ("met" if ok else "NOT met")
        )


if __name__ == "__main__":
    main()
