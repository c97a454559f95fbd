"""Staff pages under gunicorn when each worker's requests come seconds apart.

In the side-by-side run (`../shared/bench-peer/sbs.py`) our pages wait while the peer works,
so every worker meets its requests seconds apart, and they take longer than the same pages
requested back to back. This script shows that without the peer: two gunicorn servers of this
checkout (3 sync workers each, DEBUG off, the application's role), A with the environment as it
is and B with `--b-env` added (e.g. `DATABASE_CONN_MAX_AGE=60`), take turns every round on the
inbox, two case lists and a case page with four history entries, with `--pause` seconds of idle
time after each round (0: back to back). Prints median / p95 ms per page for A and B.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/saksflyt_bench \\
        .venv/bin/python bench/idle_gaps.py [--rounds 24] [--pause 10] [--b-env NAME=VALUE ...]

Needs the bench database of bench/run.py (`--sizes 200000`: organization bench-200k, caseworker
bench-cw0).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_throughput import free_port, start_server, stop_server  # noqa: E402
from bench.dashboard import p95, server_ready, sign_in  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--org", default="bench-200k")
    parser.add_argument("--user", default="bench-cw0@bench-200k.example")
    parser.add_argument("--password", default=os.environ.get("BENCH_PASSWORD", "bench-password"))
    parser.add_argument("--rounds", type=int, default=24)
    parser.add_argument("--pause", type=float, default=10.0, help="idle seconds after a round")
    parser.add_argument("--b-env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    return parser.parse_args()


def case_with_four_entries(url: str, org: str) -> int:
    """The case sbs.py picks: the 501st with exactly four history entries."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT c.number FROM cases_case c JOIN cases_caseevent e ON e.case_id = c.id"
            " JOIN organizations_organization o ON o.id = c.organization_id WHERE o.slug = %s"
            " GROUP BY c.number HAVING count(*) = 4 ORDER BY c.number LIMIT 1 OFFSET 500",
            [org],
        ).fetchone()
    if row is None:
        sys.exit(f"no case with four history entries in {org}: run bench/run.py --sizes 200000")
    return row[0]


def set_password(env: dict[str, str], user: str, password: str) -> None:
    code = (
        "from organizations.models import User; "
        f"u = User.objects.get(email={user!r}); u.set_password({password!r}); u.save()"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    args = parse_args()
    url, env_a = server_ready("idle_gaps", "saksflyt_bench", args.redis_url)
    env_b = {**env_a, **dict(pair.split("=", 1) for pair in args.b_env)}
    set_password(env_a, args.user, args.password)
    number = case_with_four_entries(url, args.org)
    pages = {
        "inbox": f"/{args.org}/",
        "open cases": f"/{args.org}/cases/?status=open",
        "all cases": f"/{args.org}/cases/?status=",
        "case page (4 entries)": f"/{args.org}/cases/{number}/",
    }
    servers, bases = [], []
    try:
        for env in (env_a, env_b):
            port = free_port()
            servers.append(start_server(argparse.Namespace(workers=3, threads=1), env, port))
            bases.append(f"http://127.0.0.1:{port}")
        sessions = [sign_in(base, args.user, args.password) for base in bases]
        for session, base in zip(sessions, bases, strict=True):
            for _ in range(3):  # warm-up
                for path in pages.values():
                    session.get(base + path)
        times = {(side, page): [] for side in "AB" for page in pages}
        for round_ in range(args.rounds):
            order = [0, 1] if round_ % 2 == 0 else [1, 0]
            for index in order:
                for page, path in pages.items():
                    start = time.perf_counter()
                    response = sessions[index].get(bases[index] + path, allow_redirects=False)
                    if response.status_code != 200:
                        sys.exit(f"{path}: HTTP {response.status_code}")
                    times[("AB"[index], page)].append((time.perf_counter() - start) * 1000)
            time.sleep(args.pause)
    finally:
        for server in servers:
            stop_server(server)
    print(
        f"{args.rounds} rounds, {args.pause:g} s idle after each; B adds {args.b_env or 'nothing'}"
    )
    print("| page | A median / p95 ms | B median / p95 ms |")
    print("|---|---:|---:|")
    for page in pages:
        a, b = times[("A", page)], times[("B", page)]
        print(
            f"| {page} | {statistics.median(a):.1f} / {p95(a):.1f} |"
            f" {statistics.median(b):.1f} / {p95(b):.1f} |"
        )


if __name__ == "__main__":
    main()
