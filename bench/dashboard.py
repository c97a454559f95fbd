"""The dashboard under gunicorn (3 sync workers, DEBUG off, the application's role with
row-level security) on a bench database made by bench/run.py (default: saksflyt_bench,
organization bench-200k, caseworker bench-cw0).

For each period preset it times the first request after the figures' and pages' cache was
emptied ("cold": computed on demand, as a filtered view always is) and then --requests requests
in a row ("warm": the page comes from the cache for up to two minutes, as the page says), and
prints median and p95 of each. Then --refreshed rounds of: empty the cache, run the background
refresh of the default views (reports.tasks.refresh_dashboard, as the beat job does for an
organization whose dashboard was opened within the hour; its duration is background work) and
time the first request of each preset after it ("after expiry": what a user meets when the
cache would have expired). Last, --on-demand requests of each filtered view, each after the
cache was emptied (a filtered view or chosen dates are never refreshed in the background, so
this is what their users meet): the team with the most cases over each preset, the property
with the most cases over 52 weeks, and chosen dates of a whole year (the last one, alone and
with the team, and the one before it).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/saksflyt_bench \\
        .venv/bin/python bench/dashboard.py --requests 200 [--cold 5] [--on-demand 20]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_throughput import free_port, start_server, stop_server  # noqa: E402
from bench.load import server_env  # noqa: E402

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--org", default="bench-200k")
    parser.add_argument("--user", default="bench-cw0@bench-200k.example")
    parser.add_argument("--password", default=os.environ.get("BENCH_PASSWORD", "bench-password"))
    parser.add_argument("--requests", type=int, default=200, help="warm requests per preset")
    parser.add_argument("--cold", type=int, default=3, help="cold requests per preset")
    parser.add_argument("--refreshed", type=int, default=3, help="refresh-then-request rounds")
    parser.add_argument(
        "--on-demand", type=int, default=20, help="uncached requests per filtered view"
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2")
    )
    return parser.parse_args()


def p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]
    )


def server_ready(script: str, database: str, redis_url: str) -> tuple[str, dict[str, str]]:
    """DATABASE_URL (a PostgreSQL URL naming `database`, else exit) and the environment of a
    gunicorn server of this checkout for `script` (its own cache prefix), made ready: migrate
    with the server's DATABASE_APP_USER grants that role the tables (bench/run.py made the
    database as its owner, so on a new machine the role had none); DEBUG off serves hashed
    static files: collect what is new (bench/load.py does both the same way)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"bench/{script}.py needs DATABASE_URL=postgres://.../{database}")
    env = server_env(url, redis_url)
    env["CACHE_KEY_PREFIX"] = f"bench-{script.replace('_', '-')}"
    for command in (["migrate"], ["collectstatic"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    return url, env


def sign_in(base: str, user: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/")
    token = CSRF.search(page.text)
    session.post(
        f"{base}/accounts/login/",
        data={"username": user, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
    )
    return session


def timed(session: requests.Session, url: str) -> float:
    start = time.perf_counter()
    response = session.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    # The page in any language: its figures' stamp and the weekly chart, no rejected filter.
    body = response.content
    if response.status_code != 200 or b"dashboard-stamp" not in body or b"chart-weekly" not in body:
        sys.exit(f"{url}: HTTP {response.status_code}")
    if b'role="alert"' in body:
        sys.exit(f"{url}: a filter was rejected")
    return elapsed


def clear_figures(redis_url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}*reports:dashboard:*"):
        client.delete(key)


REFRESH = """
import time
from organizations.models import Organization
from organizations.tenancy import all_organizations
from reports.dashboard.cache import opened_languages
from reports.tasks import refresh_dashboard
with all_organizations("bench"):
    org = Organization.objects.get(slug="{org}")
languages = opened_languages([org.pk]).get(org.pk)
assert languages, "the dashboard was not opened"
start = time.perf_counter()
refresh_dashboard(org.pk, languages)
print(round((time.perf_counter() - start) * 1000, 1))
"""


def refresh(env: dict[str, str], org: str) -> float:
    """The background refresh of the organization's default views, in its own process."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", REFRESH.format(org=org)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def after_refresh(args: argparse.Namespace, env: dict[str, str], session, base: str) -> None:
    first: dict[str, list[float]] = {preset: [] for preset in ("4", "12", "52")}
    took = []
    for _ in range(args.refreshed):
        clear_figures(args.redis_url, env["CACHE_KEY_PREFIX"])
        took.append(refresh(env, args.org))
        for preset, times in first.items():
            times.append(timed(session, f"{base}/{args.org}/reports/dashboard/?period={preset}"))
    print(
        f"\nBackground refresh of the three default views: median {statistics.median(took):.0f}"
        f" ms (max {max(took):.0f}) per run."
    )
    print("| period | first request after expiry, median ms | p95 ms |")
    print("|---|---|---|")
    for preset, times in first.items():
        print(f"| last {preset} weeks | {statistics.median(times):.1f} | {p95(times):.1f} |")


def filtered_views(database_url: str, org: str) -> list[tuple[str, str]]:
    """The filtered views timed on demand: (label, query string). The team and the property
    with the most cases are read from the bench database (a read, as its owner)."""
    import datetime as dt

    import psycopg

    with psycopg.connect(database_url) as conn:
        team = conn.execute(
            "SELECT l.team_id FROM cases_case_teams l JOIN organizations_organization o"
            " ON o.id = l.organization_id WHERE o.slug = %s"
            " GROUP BY l.team_id ORDER BY count(*) DESC LIMIT 1",
            [org],
        ).fetchone()[0]
        prop = conn.execute(
            "SELECT c.property_id FROM cases_case c JOIN organizations_organization o"
            " ON o.id = c.organization_id WHERE o.slug = %s AND c.property_id IS NOT NULL"
            " AND c.created_at > now() - interval '1 year'"
            " GROUP BY c.property_id ORDER BY count(*) DESC LIMIT 1",
            [org],
        ).fetchone()[0]
    today = dt.date.today()
    year_ago = today - dt.timedelta(days=364)
    chosen = f"period=custom&date_from={year_ago}&date_to={today}"
    first, last = year_ago - dt.timedelta(days=365), year_ago - dt.timedelta(days=1)
    return [
        *[(f"team, last {p} weeks", f"period={p}&team={team}") for p in ("4", "12", "52")],
        ("property, last 52 weeks", f"period=52&property={prop}"),
        ("chosen dates, the last year", chosen),
        ("chosen dates, the last year, team", f"{chosen}&team={team}"),
        ("chosen dates, the year before", f"period=custom&date_from={first}&date_to={last}"),
    ]


def on_demand(args: argparse.Namespace, env: dict[str, str], session, base: str) -> None:
    print(f"\nFiltered views computed on demand ({args.on_demand} requests each, cache emptied")
    print("before every request):")
    print("| view | median ms | p95 ms |")
    print("|---|---|---|")
    for label, query in filtered_views(env["DATABASE_URL"], args.org):
        times = []
        for _ in range(args.on_demand):
            clear_figures(args.redis_url, env["CACHE_KEY_PREFIX"])
            times.append(timed(session, f"{base}/{args.org}/reports/dashboard/?{query}"))
        print(f"| {label} | {statistics.median(times):.1f} | {p95(times):.1f} |", flush=True)


def main() -> None:
    args = parse_args()
    url, env = server_ready("dashboard", "saksflyt_bench", args.redis_url)
    port = free_port()
    server = start_server(argparse.Namespace(workers=args.workers, threads=1), env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        session = sign_in(base, args.user, args.password)
        print(f"gunicorn {args.workers} sync workers, role {env['DATABASE_APP_USER']}, {args.org}")
        print("| period | cold median ms | cold p95 ms | warm median ms | warm p95 ms |")
        print("|---|---|---|---|---|")
        for preset in ("4", "12", "52"):
            page = f"{base}/{args.org}/reports/dashboard/?period={preset}"
            cold = []
            for _ in range(args.cold):
                clear_figures(args.redis_url, env["CACHE_KEY_PREFIX"])
                cold.append(timed(session, page))
            warm = [timed(session, page) for _ in range(args.requests)]
            print(
                f"| last {preset} weeks | {statistics.median(cold):.1f} | {p95(cold):.1f} |"
                f" {statistics.median(warm):.1f} | {p95(warm):.1f} |",
                flush=True,
            )
        if args.refreshed:
            after_refresh(args, env, session, base)
        if args.on_demand:
            on_demand(args, env, session, base)
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
