"""CPU time spent serving requests: the web process and its PostgreSQL backends.

On a shared machine the wall-clock time of a request moves with everyone else's load (waiting
for a core counts in it); the CPU time the server and the database spend on it moves much less,
so two versions of the code measured at different moments compare better by it. Linux only
(/proc); PostgreSQL backends are read by pid, so the database runs on this machine.

Used by bench/run.py (in-process requests: this process plus its connection's backend) and
bench/api_throughput.py (gunicorn's workers plus every backend of the bench database).
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) process `pid` has used so far; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


class CpuMeter:
    """CPU seconds used by the processes `pids()` names, between entering and leaving the block.
    A process that starts inside the block counts from zero; one that ends inside it is lost."""

    def __init__(self, pids) -> None:
        self.pids = pids
        self.seconds = 0.0

    def _snapshot(self) -> dict[int, float]:
        return {pid: process_cpu(pid) for pid in self.pids()}

    def __enter__(self):
        self.before = self._snapshot()
        return self

    def __exit__(self, *exc) -> None:
        after = self._snapshot()
        self.seconds = sum(cpu - self.before.get(pid, 0.0) for pid, cpu in after.items())


def timed_cpu(client, url: str, requests: int, warmup: int) -> tuple[float, float, int, float]:
    """(median ms, p95 ms, queries, CPU ms per request) of GET `url` with the Django test client:
    bench/run.py's `timed`, plus the CPU this process and its database backend spent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    connection.ensure_connection()
    backend = connection.connection.info.backend_pid
    samples = []
    with CpuMeter(lambda: [backend]) as database:
        started_cpu = time.process_time()
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        web_cpu = time.process_time() - started_cpu
    same_backend = connection.connection is not None and (
        connection.connection.info.backend_pid == backend
    )
    cpu_ms = (web_cpu + database.seconds) * 1000 / requests if same_backend else float("nan")
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
    return statistics.median(samples), p95, len(ctx.captured_queries), cpu_ms


class ServerCpu:
    """CPU seconds of gunicorn's workers (children of `server_pid`) and of every backend of the
    bench database (`database_url`, read through pg_stat_activity) during the block."""

    def __init__(self, server_pid: int, database_url: str) -> None:
        import psycopg

        self.server_pid = server_pid
        self.name = database_url.rsplit("/", 1)[1].split("?")[0]
        self.conn = psycopg.connect(database_url, autocommit=True)

    def pids(self) -> list[int]:
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
            [self.name],
        ).fetchall()
        return children(self.server_pid) + [row[0] for row in rows]

    def meter(self) -> CpuMeter:
        return CpuMeter(self.pids)

    def close(self) -> None:
        self.conn.close()
