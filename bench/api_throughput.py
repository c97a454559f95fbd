"""Throughput of POST /api/v1/inquiries/ under gunicorn on PostgreSQL, next to a bare DRF endpoint.

    .venv/bin/python bench/api_throughput.py [--workers 3] [--clients 8] [--seconds 15]

The bare endpoint (/api/v1/_bare/, only with BENCH_BARE_ENDPOINT=true) parses and validates the
same JSON with DRF and answers 201 without touching the database: the ceiling for this machine,
server and client. Intake adds the API-key lookup, the Redis rate-limit counter, the intake rule,
the inquiry insert (and, with --idempotency, the stored answer). Both are measured in the same
run, in alternating rounds so drift in the machine's load hits both alike. Target: intake at
least 40% of the bare rate.

Runs against its own database (default saksflyt_bench_api, created and migrated here), never
SQLite, and a Redis database for the cache (default db 8).

Row-level security: gunicorn connects as DATABASE_APP_USER when it is set in the environment (a
role the policies apply to; migrate runs on the owner's connection and grants it), else as the
database URL's role; the first line printed says which.

Besides the rates: the CPU gunicorn's workers and the database's backends spent per request
(bench/cpu.py), which drifts much less with the machine's other load than the rates do.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BODY = {
    "name": "Kari Nordmann",
    "email": "kari@example.com",
    "phone": "+47 912 34 567",
    "subject": "Dripping tap",
    "message": "The kitchen tap has been dripping since Monday.",
    "address": "Storgata 1, 0155 Oslo",
    "location": "Kitchen",
    "external_reference": "WEB-1001",
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/saksflyt_bench_api"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per worker (>1 uses gunicorn's gthread workers, which overlap the"
        " database and Redis waits of one request with another's work)",
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--seconds", type=float, default=15, help="measured time per endpoint")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per endpoint")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument(
        "--idempotency", action="store_true", help="send a fresh Idempotency-Key per request"
    )
    parser.add_argument(
        "--convert", action="store_true", help="intake rule creates the case at once"
    )
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        SECRET_KEY="bench-only-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DEBUG="false",
        BEHIND_TLS_PROXY="false",
        SECURE_SSL_REDIRECT="false",
        CACHE_KEY_PREFIX="bench-api",
        # Far above what the bench can send: the limiter still counts every request in Redis.
        API_RATE_LIMIT="1000000/s",
        BENCH_BARE_ENDPOINT="true",
        LOG_LEVEL="WARNING",
    )
    return env


def prepare(args: argparse.Namespace, env: dict[str, str]) -> str:
    """Create and migrate the bench database, an organization and an API key; return the key."""
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("Refusing to run: the bench needs PostgreSQL (--database-url postgres://...).")
    import psycopg

    name = args.database_url.rsplit("/", 1)[1].split("?")[0]
    admin_url = args.database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connections

    from inquiries.models import Channel, Inquiry
    from inquiries.services.rules import intake_rule_for
    from organizations.models import Organization
    from organizations.services_api_keys import api_key_create
    from organizations.tenancy import all_organizations, organization_scope

    with all_organizations("bench: a new organization gets its default rows"):
        org, _created = Organization.objects.get_or_create(
            slug="bench-api", defaults={"name": "Bench API", "default_language": "en"}
        )
    with organization_scope(org):
        Inquiry.objects.filter(organization=org).delete()
        rule = intake_rule_for(org, Channel.API)
        rule.create_case_immediately = args.convert
        rule.save(update_fields=["create_case_immediately"])
        _api_key, secret = api_key_create(org=org, actor=None, name=f"bench {time.time():.0f}")
    with connections["default"].cursor() as cur:  # the role gunicorn's workers connect as
        cur.execute(
            "SELECT current_user, rolsuper OR rolbypassrls FROM pg_roles"
            " WHERE rolname = current_user"
        )
        user, bypass = cur.fetchone()
    print(
        f"gunicorn connects as {user} ("
        + ("row-level security bypassed" if bypass else "row-level security applies")
        + ")",
        flush=True,
    )
    cache.clear()
    connections.close_all()
    return secret


def start_server(args: argparse.Namespace, env: dict[str, str], port: int) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi:application",
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread" if args.threads > 1 else "sync",
        "--threads",
        str(args.threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status < 500:
                return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    sys.exit("gunicorn did not start within 30 seconds.")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def load(port: int, path: str, headers: dict, seconds: float, clients: int, idempotency: bool):
    """`clients` threads POST as fast as they can for `seconds`; returns (latencies, errors)."""
    body = json.dumps(BODY).encode()
    stop_at = time.monotonic() + seconds
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def client():
        mine, bad = [], []
        while time.monotonic() < stop_at:
            extra = {"Idempotency-Key": uuid.uuid4().hex} if idempotency else {}
            started = time.perf_counter()
            try:
                # gunicorn's sync workers close the connection after each response.
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request(
                    "POST",
                    path,
                    body=body,
                    headers={"Content-Type": "application/json", **headers, **extra},
                )
                response = conn.getresponse()
                response.read()
                conn.close()
                status = response.status
            except OSError:
                status = 0
            if status == 201:
                mine.append(time.perf_counter() - started)
            else:
                bad.append(status)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def summary(
    name: str, latencies: list[float], errors: list[int], seconds: float, cpu_seconds: float
) -> float:
    rate = len(latencies) / seconds
    if latencies:
        ordered = sorted(latencies)
        p50 = statistics.median(ordered) * 1000
        p95 = ordered[int(len(ordered) * 0.95) - 1] * 1000
    else:
        p50 = p95 = float("nan")
    print(
        f"  {name:<8} {rate:8.1f} req/s   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms"
        f"   ok {len(latencies):6d}   errors {len(errors)}"
        + (f" (statuses {sorted(set(errors))})" if errors else "")
        + f"   cpu {cpu_seconds * 1000 / max(1, len(latencies) + len(errors)):5.2f} ms/req"
    )
    return rate


def main() -> None:
    args = parse_args()
    env = server_env(args)
    secret = prepare(args, env)
    port = args.port or free_port()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from cpu import ServerCpu

    server = start_server(args, env, port)
    cpu_seconds = dict.fromkeys(("bare", "intake"), 0.0)
    auth = {"Authorization": f"Api-Key {secret}"}
    endpoints = [
        ("bare", "/api/v1/_bare/", {}, False),
        ("intake", "/api/v1/inquiries/", auth, args.idempotency),
    ]
    per_round = args.seconds / args.rounds
    totals = {name: ([], []) for name, *_ in endpoints}
    cpu = None
    try:
        cpu = ServerCpu(server.pid, args.database_url)
        for _name, path, headers, idem in endpoints:  # warm up workers, connections, caches
            load(port, path, headers, 2, args.clients, idem)
        for _round in range(args.rounds):
            for name, path, headers, idem in endpoints:
                with cpu.meter() as meter:
                    latencies, errors = load(port, path, headers, per_round, args.clients, idem)
                cpu_seconds[name] += meter.seconds
                totals[name][0].extend(latencies)
                totals[name][1].extend(errors)
    finally:
        stop_server(server)
        if cpu:
            cpu.close()

    print(
        f"POST throughput, gunicorn {args.workers} {'gthread' if args.threads > 1 else 'sync'}"
        f" workers x {args.threads} threads, {args.clients} clients,"
        f" {args.seconds:.0f} s per endpoint in {args.rounds} alternating rounds,"
        f" {os.cpu_count()} CPUs, PostgreSQL {args.database_url.rsplit('/', 1)[1]}"
        + (", Idempotency-Key on" if args.idempotency else "")
        + (", case created at once" if args.convert else "")
    )
    rates = {
        name: summary(name, latencies, errors, args.seconds, cpu_seconds[name])
        for name, (latencies, errors) in totals.items()
    }
    ratio = rates["intake"] / rates["bare"] if rates["bare"] else 0.0
    verdict = "meets" if ratio >= 0.40 else "MISSES"
    print(f"  intake / bare = {ratio:.0%} ({verdict} the 40% target)")


if __name__ == "__main__":
    main()
