"""Load test: the Locust mix (bench/locustfile.py) against one and then two gunicorn web nodes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/saksflyt \
        .venv/bin/python bench/load.py [--orgs 100] [--cases 10000] [--users 10,20,40,80]

Works in its own database (`saksflyt_bench_load` on DATABASE_URL's server, created, migrated and
filled on first use with bench/generate.py, kept for later runs) and Redis db 12. The web nodes
are separate gunicorn processes (sync workers, --workers per node) on their own ports, sharing
PostgreSQL (as the application's own role, under row-level security) and Redis, as two
machines behind a load balancer would; each Locust user sticks to one node.

For each node count and each user count, Locust runs headless for --seconds; the script prints
requests per second, p95 and failures, and the highest rate with p95 <= 150 ms and no failure.
Then the API clients alone (no wait between requests) against the two nodes: sustained
inquiries per second. Everything runs on this one machine, so the nodes, PostgreSQL, Redis and
Locust share its cores: read the figures as a floor.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from api_throughput import free_port
from api_throughput import server_env as api_server_env

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
P95_TARGET_MS = 150


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="saksflyt_bench_load")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--cases", type=int, default=10_000, help="cases per organization")
    parser.add_argument("--users", default="10,20,40,80", help="Locust user counts to try")
    parser.add_argument("--seconds", type=int, default=30, help="per step")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    parser.add_argument("--nodes", default="1,2")
    parser.add_argument("--api-users", type=int, default=16)
    parser.add_argument(
        "--prepare-only", action="store_true", help="make the data and keys, then stop"
    )
    return parser.parse_args()


def database_url(name: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/load.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def server_env(url: str, redis_url: str) -> dict[str, str]:
    """bench/api_throughput.py's production-like environment, plus what browsing needs: cookies
    over plain HTTP, no login lock-out, the application's own role."""
    env = api_server_env(argparse.Namespace(database_url=url, redis_url=redis_url))
    env.pop("BENCH_BARE_ENDPOINT")
    env.update(
        DATABASE_APP_USER=os.environ.get("DATABASE_APP_USER", "saksflyt_app"),
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        CACHE_KEY_PREFIX="bench-load",
        AXES_FAILURE_LIMIT="1000000",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def prepare(args: argparse.Namespace, env: dict[str, str]) -> tuple[list[str], list[str]]:
    """The database with its organizations (made once), and an API key per organization."""
    import psycopg

    url = env["DATABASE_URL"]
    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    for command in (["migrate"], ["collectstatic", "--clear"]):  # DEBUG off: hashed files
        subprocess.run(
            [sys.executable, "manage.py", *command, "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from generate import generate_org

    from organizations.models import Organization
    from organizations.services_api_keys import api_key_create
    from organizations.tenancy import all_organizations, organization_scope

    slugs = [f"load-{n}" for n in range(args.orgs)]
    with all_organizations("bench: which organizations exist"):
        have = set(Organization.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    for n, slug in enumerate(slugs):
        if slug not in have:
            print(f"generating {slug} ({n + 1}/{len(slugs)}), {args.cases} cases", flush=True)
            generate_org(slug, args.cases, seed=n, verbose=False)
    keys_file = ROOT / "var" / f"{name}-keys.json"
    keys = json.loads(keys_file.read_text()) if keys_file.exists() else {}
    for slug in slugs:
        if slug not in keys:
            with all_organizations("bench: the organization by its slug"):
                org = Organization.objects.get(slug=slug)
            with organization_scope(org):
                _key, secret = api_key_create(org=org, actor=None, name="load test")
            keys[slug] = secret
    keys_file.parent.mkdir(exist_ok=True)
    keys_file.write_text(json.dumps(keys))
    return slugs, [keys[slug] for slug in slugs]


def start_nodes(count: int, workers: int, env: dict[str, str]) -> tuple[list, list[str]]:
    procs, hosts = [], []
    for _ in range(count):
        port = free_port()
        procs.append(
            subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
                start_new_session=True,
            )
        )
        hosts.append(f"http://127.0.0.1:{port}")
    for host in hosts:
        port = int(host.rsplit(":", 1)[1])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
    return procs, hosts


def stop(procs) -> None:
    for proc in procs:
        os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        proc.wait(timeout=30)


def run_locust(hosts, slugs, keys, users: int, seconds: int, classes: list[str], tmp: Path):
    prefix = tmp / f"run-{len(hosts)}-{users}-{'-'.join(classes)}"
    env = dict(os.environ)
    env.update(
        LOAD_HOSTS=",".join(hosts),
        LOAD_ORGS=",".join(slugs),
        LOAD_API_KEYS=",".join(keys),
        LOAD_PASSWORD=os.environ.get("BENCH_PASSWORD", "bench-password"),
    )
    if classes == ["ApiClient"]:
        env["LOAD_API_WAIT"] = "0"
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(users // 2, 1)),
            "--run-time",
            f"{seconds}s",
            "--host",
            hosts[0],
            "--csv",
            str(prefix),
            "--only-summary",
            # Figures from after every user has started: the sign-ins of the ramp-up (one
            # password hash each) would otherwise dominate the first seconds' latencies.
            "--reset-stats",
            "--loglevel",
            "ERROR",
            *classes,
        ],
        cwd=ROOT,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    return {
        "rps": float(total["Requests/s"]),
        "p95": float(total["95%"]) if total["95%"] not in ("", "N/A") else 0.0,
        "failures": int(total["Failure Count"]),
        "requests": int(total["Request Count"]),
        "by_name": {
            name: (row["95%"], int(row["Failure Count"]))
            for name, row in rows.items()
            if name != "Aggregated"
        },
    }


def main() -> None:
    args = parse_args()
    if not (BIN / "locust").exists():
        sys.exit("bench/load.py drives Locust: .venv/bin/pip install 'locust>=2.30,<3'")
    env = server_env(database_url(args.database), args.redis_url)
    slugs, keys = prepare(args, env)
    if args.prepare_only:
        return
    from generate import BENCH_PASSWORD

    os.environ["BENCH_PASSWORD"] = BENCH_PASSWORD
    tmp = ROOT / "var" / "load"
    tmp.mkdir(parents=True, exist_ok=True)
    users_steps = [int(u) for u in args.users.split(",")]
    best: dict[int, dict] = {}
    print(f"{args.orgs} organizations x {args.cases} cases; {args.workers} workers per node")
    print("nodes | users | req/s | p95 ms | failures")
    for nodes in [int(n) for n in args.nodes.split(",")]:
        procs, hosts = start_nodes(nodes, args.workers, env)
        try:
            for users in users_steps:
                result = run_locust(
                    hosts, slugs, keys, users, args.seconds, ["Caseworker", "ApiClient"], tmp
                )
                print(
                    f"{nodes:5} | {users:5} | {result['rps']:5.1f} | {result['p95']:6.0f} |"
                    f" {result['failures']}",
                    flush=True,
                )
                within = result["p95"] <= P95_TARGET_MS and result["failures"] == 0
                if within and result["rps"] > best.get(nodes, {}).get("rps", 0):
                    best[nodes] = {**result, "users": users}
            if nodes == max(int(n) for n in args.nodes.split(",")):
                api = run_locust(
                    hosts, slugs, keys, args.api_users, args.seconds, ["ApiClient"], tmp
                )
                print(
                    f"API intake alone, {nodes} nodes, {args.api_users} clients: "
                    f"{api['rps']:.1f} inquiries/s, p95 {api['p95']:.0f} ms,"
                    f" {api['failures']} failures"
                )
        finally:
            stop(procs)
    for nodes, result in sorted(best.items()):
        print(
            f"best with p95 <= {P95_TARGET_MS} ms and no failure, {nodes} node(s): "
            f"{result['rps']:.1f} req/s at {result['users']} users (p95 {result['p95']:.0f} ms)"
        )


if __name__ == "__main__":
    main()
