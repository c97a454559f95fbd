"""`make bench`: server time and SQL queries of the busiest staff pages at 10k and 100k cases.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/saksflyt [DATABASE_APP_USER=saksflyt_app] \
        .venv/bin/python bench/run.py [--sizes 10000,100000] [--requests 50] [--explain]

Works in its own database (the DATABASE_URL's server, database `saksflyt_bench` unless
--database says otherwise; created, migrated and filled on first use, kept for later runs), so
the development database stays clean. PostgreSQL only: figures from SQLite would mean nothing.

For each size one organization holds all the cases (bench/generate.py); a caseworker with a
realistic share of them (created ~1/30, assigned ~1/30, one of five teams, mentions, tasks)
signs in with the Django test client. Each page is requested `--warmup` times, then timed
`--requests` times in-process (the Django handler, template rendering and every query; no
network): median and 95th percentile, plus the number of SQL queries of one request and the
CPU time this process and its PostgreSQL backend spent per request (bench/cpu.py: on a shared
machine it drifts much less with other jobs' load than the wall-clock times do).
Targets at 100k cases: inbox p95 <= 50 ms and <= 15 queries. The inbox's tab counts are cached
30 s per user, so after the warm-up its requests read them from the cache (the test client
closes each response before it returns, so a request 15 s after the counting also times their
counting again, which a server does after the client has the page: inbox_counts.py);
BENCH_INBOX_COUNTS_CACHE=off times the request that counts them.

Row-level security: the pages are requested as DATABASE_APP_USER when it is set (a role the
policies apply to), else as DATABASE_URL's own role, as a deployment without DATABASE_APP_USER
runs (a superuser bypasses the policies); the first line printed says which. Data is generated
on the owner's connection (bench/generate.py). The queries column counts what Django sends
(the request transaction's BEGIN and COMMIT and any SAVEPOINT/RELEASE included); the
set_config round trips of the tenancy setting come on top and are shown as "+N set"
(`--breakdown` lists the statements of one request of each page). `--explain-pages` prints
EXPLAIN ANALYZE of every SELECT of every page, run as the requests run (role, organization
setting).
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
    parser.add_argument(
        "--explain-pages", action="store_true", help="print the plans of every page's SELECTs"
    )
    parser.add_argument(
        "--breakdown", action="store_true", help="list the statements of one request per page"
    )
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


def pin_app_user(url: str) -> None:
    """Requests run as DATABASE_APP_USER when set, else as DATABASE_URL's role. The bench sets
    SAKSFLYT_TESTING (plain static files), which would default the application role to
    saksflyt_app; naming DATABASE_URL's own role keeps a run without DATABASE_APP_USER what it
    is in a deployment: one role, the owner's, for the requests (the "owner" alias that
    settings then add is only used by migrate and the data's COPY)."""
    if not os.environ.get("DATABASE_APP_USER", "").strip():
        os.environ["DATABASE_APP_USER"] = urlsplit(url).username or "postgres"


def describe_role() -> str:
    """Who the requests' connection is, and whether row-level security applies to it."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        user, superuser, bypass = cur.fetchone()
    if superuser or bypass:
        why = "superuser" if superuser else "BYPASSRLS"
        return f"requests run as {user} ({why}: row-level security bypassed)"
    return f"requests run as {user} (row-level security applies)"


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


class SetConfigCounter:
    """Counts the tenancy setting's set_config round trips, which the wrapper sends on the raw
    psycopg connection (not through Django's cursor, so CaptureQueriesContext misses them)."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.statements: list[str] = []

    def __enter__(self):
        self.connection.ensure_connection()
        self.raw = self.connection.connection
        execute = self.raw.execute

        def counting(query, *args, **kwargs):
            self.statements.append(str(query))
            return execute(query, *args, **kwargs)

        self.raw.execute = counting
        return self

    def __exit__(self, *exc) -> None:
        self.raw.__dict__.pop("execute", None)

    @property
    def set_configs(self) -> int:
        return sum("set_config" in s for s in self.statements)


def one_request(client, url: str) -> tuple[list[str], int]:
    """(Django's statements, set_config round trips) of one GET `url`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with SetConfigCounter(connection) as raw, CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries], raw.set_configs


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
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from cases.selectors.inbox import inbox_with_counts
    from organizations.tenancy import organization_scope

    with organization_scope(org), transaction.atomic():
        with CaptureQueriesContext(connection) as ctx:
            inbox_with_counts(org, user, "unanswered")
            inbox_with_counts(org, user, "all")
        explain_queries([q["sql"] for q in ctx.captured_queries])


def explain_queries(statements: list[str]) -> None:
    """EXPLAIN ANALYZE of the SELECTs among `statements`, in the current scope and transaction
    (so under row-level security as the requests run)."""
    from django.db import connection

    for sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print(f"\n-- {sql[:100]}...\n" + "\n".join(r[0] for r in cur.fetchall()))


def explain_page(org, label: str, statements: list[str]) -> None:
    from django.db import transaction

    from organizations.tenancy import organization_scope

    print(f"\n==== {label}: plans of its SELECTs ====")
    with organization_scope(org), transaction.atomic():
        explain_queries(statements)


def four_event_case(org) -> int:
    """The newest generated case with exactly 4 history entries: a typical closed case."""
    from django.db import connection

    from cases.models import Case, CaseEvent

    with connection.cursor() as cur:
        cur.execute(
            f"SELECT c.number FROM {Case._meta.db_table} c "
            f"JOIN {CaseEvent._meta.db_table} e ON e.case_id = c.id "
            "WHERE c.organization_id = %s GROUP BY c.id, c.number HAVING COUNT(*) = 4 "
            "ORDER BY c.number DESC LIMIT 1",
            [org.pk],
        )
        return cur.fetchone()[0]


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
    pin_app_user(url)
    os.environ.setdefault("SAKSFLYT_VAR_DIR", str(Path("/tmp/saksflyt-bench-var")))
    os.environ["ALLOWED_HOSTS"] = "testserver"  # the Django test client's host
    # One connection (one backend to read the CPU of) for the whole run.
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "3600")
    from cpu import timed_cpu
    from generate import generate_org, setup_django

    setup_django()
    if os.environ.get("BENCH_INBOX_COUNTS_CACHE") == "off":
        # Every inbox request counts its tabs, as the first one after a change or after the
        # counts' 30 seconds does (cases/selectors/inbox_counts.py).
        import cases.selectors.inbox_counts

        cases.selectors.inbox_counts.COUNTS_TTL = 0
        print("inbox tab counts: not cached (BENCH_INBOX_COUNTS_CACHE=off)")
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from cases.models import Case
    from organizations.models import Organization, User
    from organizations.tenancy import organization_scope

    call_command("migrate", verbosity=0)
    print(describe_role(), flush=True)
    rows = []
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        slug = f"bench-{size // 1000}k" if size >= 1000 else f"bench-{size}"
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            print(f"Generating {slug} ({size} cases)...")
            org = generate_org(slug, size)
            with organization_scope(org), transaction.atomic():
                add_busy_case(org)
        user = User.objects.get(email=f"bench-cw0@{slug}.example")
        # Read in the scope, then leave it: each request starts with none, in no transaction.
        with organization_scope(org), transaction.atomic():
            busy = (
                Case.objects.filter(organization=org, title="Sak med lang historikk")
                .order_by("-number")
                .first()
            )
            busy_events = busy.events.count()
            typical = four_event_case(org)
            total = Case.objects.filter(organization=org).count()
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
            (f"case page, {busy_events} events", f"/{slug}/cases/{busy.number}/"),
            ("case page, 4 events", f"/{slug}/cases/{typical}/"),
        ]
        for label, page_url in pages:
            median, p95, queries, cpu = timed_cpu(client, page_url, args.requests, args.warmup)
            statements, set_configs = one_request(client, page_url)
            rows.append((f"{total:,}", label, median, p95, queries, cpu))
            print(
                f"{total:>8,}  {label:42} median {median:6.1f} ms  p95 {p95:6.1f} ms  "
                f"{queries:3d} queries +{set_configs} set  cpu {cpu:6.1f} ms",
                flush=True,
            )
            if args.breakdown:
                for sql in statements:
                    print(f"      {sql[:150]}")
            if args.explain_pages:
                explain_page(org, label, statements)
        if args.explain:
            explain(org, user)

    print("\n| cases | page | median ms | p95 ms | queries | CPU ms |")
    print("|---:|---|---:|---:|---:|---:|")
    for total, label, median, p95, queries, cpu in rows:
        print(f"| {total} | {label} | {median:.1f} | {p95:.1f} | {queries} | {cpu:.1f} |")
    inbox = [r for r in rows if r[1].startswith("inbox (Unanswered)")]
    if inbox:
        _, _, _, p95, queries, _ = inbox[-1]
        ok = p95 <= INBOX_TARGET_MS and queries <= INBOX_TARGET_QUERIES
        print(
            f"\nInbox at the largest size: p95 {p95:.1f} ms (target <= {INBOX_TARGET_MS}), "
            f"{queries} queries (target <= {INBOX_TARGET_QUERIES}): " + ("met" if ok else "NOT met")
        )


if __name__ == "__main__":
    main()
