"""The search (issue 15) under gunicorn (3 sync workers, DEBUG off, the application's role with
row-level security) on the 1,000,000-case bench database: 100 organizations load-0..load-99 ×
10,000 cases, made by bench/load.py's generator (saksflyt_bench_load).

Times the results page (/<org>/search/?q=) and the suggestions (/<org>/search/suggest/?q=)
for typical queries — a word in 1/12 of the titles, two words, a word in every description
(the worst case: 10,000 hits to rank), a customer name, an address, a property number and a
case number (which answers a redirect to the case) — signed in as each chosen organization's
first caseworker, in interleaved rounds; prints median and p95 per query and overall. Then
EXPLAIN (ANALYZE, BUFFERS) of each statement of the page as the application's role with the
organization set, in-process (the plans show the indexes row-level security lets it use).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/saksflyt_bench_load \\
        .venv/bin/python bench/search.py [--rounds 20] [--orgs load-0,load-50,load-99]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_throughput import free_port, start_server, stop_server  # noqa: E402
from bench.dashboard import p95, server_ready, sign_in  # noqa: E402

PAGE_QUERIES = [
    "lekkasje",
    "vinduer",
    "fukt kjeller",
    "beskrivelse",
    "Kunde Nummer 4242",
    "Storgata 12",
    "P-0000420",
    "#5000",
]
SUGGEST_QUERIES = ["lek", "vind", "fukt kj", "kunde 42", "storg", "5000"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", default="load-0,load-50,load-99")
    parser.add_argument("--password", default=os.environ.get("BENCH_PASSWORD", "bench-password"))
    parser.add_argument("--rounds", type=int, default=20, help="requests per query and org")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")
    )
    parser.add_argument("--no-explain", action="store_true")
    return parser.parse_args()


def timed(session, url: str, expect: int) -> float:
    start = time.perf_counter()
    response = session.get(url, allow_redirects=False)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != expect:
        sys.exit(f"{url}: HTTP {response.status_code}, expected {expect}")
    return elapsed


def measure(base: str, sessions: dict, rounds: int) -> None:
    page: dict[str, list[float]] = {q: [] for q in PAGE_QUERIES}
    suggest: dict[str, list[float]] = {q: [] for q in SUGGEST_QUERIES}
    for slug, session in sessions.items():  # warm each worker's connection and caches
        for _ in range(3):
            timed(session, f"{base}/{slug}/search/?q=warm", 200)
    for _ in range(rounds):
        for slug, session in sessions.items():
            for q in PAGE_QUERIES:
                expect = 302 if q.startswith("#") else 200
                url = f"{base}/{slug}/search/?q={quote(q)}"
                page[q].append(timed(session, url, expect))
            for q in SUGGEST_QUERIES:
                url = f"{base}/{slug}/search/suggest/?q={quote(q)}"
                suggest[q].append(timed(session, url, 200))
    for title, table in (("Results page", page), ("Suggestions", suggest)):
        print(f"\n{title}\n\n| query | median ms | p95 ms |\n|---|---|---|")
        for q, values in table.items():
            print(f"| `{q}` | {statistics.median(values):.1f} | {p95(values):.1f} |")
        everything = [v for values in table.values() for v in values]
        print(
            f"| all ({len(everything)} requests) | {statistics.median(everything):.1f} |"
            f" {p95(everything):.1f} |",
            flush=True,
        )


def explain(slug: str) -> None:
    """EXPLAIN ANALYZE of the page's statements, as the application's role in `slug`'s scope."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from cases.selectors.fulltext import SearchText
    from organizations.models import Organization
    from organizations.tenancy import organization_scope
    from search import selectors

    org = Organization.objects.get(slug=slug)
    for q in ("lekkasje", "beskrivelse", "Kunde Nummer 4242", "Storgata 12", "#5000"):
        with organization_scope(org), CaptureQueriesContext(connection) as ctx:
            text = SearchText.parse(q)
            selectors.exact_target(org, text)
            selectors.search_all(org, text)
        with organization_scope(org), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            print(f"\n### `{q}` in {slug}, as {cursor.fetchone()[0]}\n")
            for query in ctx.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
                lines = [row[0] for row in cursor.fetchall()]
                print("```\n" + "\n".join(lines) + "\n```")


def main() -> None:
    args = parse_args()
    _url, env = server_ready("search", "saksflyt_bench_load", args.redis_url)
    port = free_port()
    server = start_server(argparse.Namespace(workers=args.workers, threads=1), env, port)
    base = f"http://127.0.0.1:{port}"
    slugs = args.orgs.split(",")
    try:
        sessions = {
            slug: sign_in(base, f"bench-cw0@{slug}.example", args.password) for slug in slugs
        }
        print(
            f"gunicorn {args.workers} sync workers, role {env['DATABASE_APP_USER']},"
            f" organizations {', '.join(slugs)}, {args.rounds} rounds"
        )
        measure(base, sessions, args.rounds)
    finally:
        stop_server(server)
    if not args.no_explain:
        os.environ.update(env)  # the server's settings: DEBUG off, the application's role
        explain(slugs[-1])


if __name__ == "__main__":
    main()
