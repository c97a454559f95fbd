"""Case-list export of 100,000 rows: time and peak memory, streamed through the view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres DATABASE_APP_USER=saksflyt_app \
        .venv/bin/python bench/export.py [--database saksflyt_bench] [--org bench-200k]

Uses the organization bench/run.py generated (`bench-200k`, 200,000 cases) and its caseworker.
The filter is "created from <day>" with the day chosen so the list holds about --rows cases (the
newest ones), sorted by number. For each of CSV and XLSX and each of --sizes rows it GETs the
case list's export URL with the Django test client (the whole view: filter form, the audit row,
the keyset batches, organizations.tabular's writer; no network) and reads the streamed body to
the end, as a browser would. The background threshold is lifted for the run, so the view
streams even 100,000 rows (in production more than 5,000 go to a worker, which runs the same
rows and writer into a file: `--job` also times that, export_job_run, in-process).

Memory is measured twice, in separate runs of each export so neither skews the timing:
- RSS: this process's resident set sampled every 10 ms while the export runs, peak minus the
  value before it (the Python heap, openpyxl's buffers, psycopg's result sets...);
- tracemalloc: the peak of Python allocations during the export.
Flat memory means the peak does not grow with the row count: compare the 10,000 and 100,000 rows.
Target (issue 15): 100,000 rows in <= 10 s with flat memory. The machine may be shared with
other jobs: wall-clock times move with their load.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_SECONDS = 10.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="saksflyt_bench")
    parser.add_argument("--org", default="bench-200k")
    parser.add_argument("--sizes", default="10000,100000", help="rows per export")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--job", action="store_true", help="also time the background job")
    return parser.parse_args()


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class RssPeak:
    """The highest RSS seen while the block runs (sampled every 10 ms), minus the start."""

    def __enter__(self):
        self.start = rss_bytes()
        self.peak = self.start
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_bytes())
            time.sleep(0.01)

    def __exit__(self, *exc) -> None:
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, rss_bytes())

    @property
    def grown(self) -> int:
        return self.peak - self.start


def day_for_rows(org, rows: int):
    """The first day of the newest `rows` cases (created_from includes the whole day)."""
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Case
    from organizations.tenancy import organization_scope

    with organization_scope(org), transaction.atomic():
        created = (
            Case.objects.filter(organization=org)
            .order_by("-created_at")
            .values_list("created_at", flat=True)[rows - 1 : rows]
            .first()
        )
    return timezone.localtime(created).date()


class CpuTime:
    """CPU seconds this process and its PostgreSQL backend spent in the block (bench/cpu.py):
    unlike wall-clock time, it barely moves with other jobs' load on a shared machine."""

    def __enter__(self):
        from cpu import process_cpu
        from django.db import connection

        connection.ensure_connection()
        self.backend = connection.connection.info.backend_pid
        self.read = process_cpu
        self.start = time.process_time(), process_cpu(self.backend)
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = (time.process_time() - self.start[0]) + (
            self.read(self.backend) - self.start[1]
        )


def consume(client, url: str) -> tuple[int, int, float]:
    """(status, bytes, seconds to the first byte) of GET `url`, reading the body to its end."""
    start = time.perf_counter()
    response = client.get(url)
    size, first = 0, None
    body = response.streaming_content if response.streaming else [response.content]
    for chunk in body:
        if first is None:
            first = time.perf_counter() - start
        size += len(chunk)
    response.close()
    return response.status_code, size, first or 0.0


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/export.py needs DATABASE_URL=postgres://...")
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{args.database}"))
    os.environ.setdefault("DATABASE_APP_USER", "saksflyt_app")
    os.environ.setdefault("SAKSFLYT_VAR_DIR", str(Path("/tmp/saksflyt-bench-var")))
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "3600")
    from generate import setup_django
    from run import describe_role

    setup_django()
    from django.core.management import call_command
    from django.http import QueryDict
    from django.test import Client, override_settings
    from django.utils import timezone

    from organizations.models import Organization, User
    from organizations.tenancy import organization_scope
    from reports.models import ExportJob

    # With DATABASE_APP_USER, migrate grants that role the tables (bench/run.py made the
    # database as its owner, so on a new machine the role had none), as bench/run.py does.
    call_command("migrate", verbosity=0)
    org = Organization.objects.get(slug=args.org)
    user = User.objects.get(email=f"bench-cw0@{args.org}.example")
    timezone.activate(org.time_zone)
    client = Client()
    client.force_login(user)
    print(describe_role(), flush=True)
    print(f"organization {args.org}; a shared machine: wall-clock times move with its load")
    base = f"/{args.org}/reports/cases/export/"
    with override_settings(EXPORT_BACKGROUND_ABOVE=10**9):
        for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
            day = day_for_rows(org, size)
            params = {"created_from": day.isoformat(), "sort": "number"}
            with organization_scope(org):
                from reports.services.case_export import case_list_query

                rows = case_list_query(org, QueryDict(urlencode(params))).queryset.count()
            for fmt in args.formats.split(","):
                export_url = f"{base}?{urlencode({**params, 'format': fmt})}"
                consume(client, export_url.replace(day.isoformat(), "2999-01-01"))  # warm up
                with RssPeak() as rss, CpuTime() as cpu:
                    started = time.perf_counter()
                    status, size_bytes, first = consume(client, export_url)
                    seconds = time.perf_counter() - started
                assert status == 200, status
                tracemalloc.start()
                consume(client, export_url)
                _, traced_peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                verdict = "met" if seconds <= TARGET_SECONDS else "NOT met"
                print(
                    f"{fmt:4} {rows:>7,} rows  {seconds:6.2f} s  cpu {cpu.seconds:6.2f} s"
                    f"  first byte {first * 1000:6.0f} ms"
                    f"  {size_bytes / 1e6:6.1f} MB  RSS +{rss.grown / 1e6:5.1f} MB"
                    f"  tracemalloc peak {traced_peak / 1e6:5.1f} MB  (<= {TARGET_SECONDS:.0f} s:"
                    f" {verdict})",
                    flush=True,
                )
            if args.job:
                from reports.services import export_jobs
                from reports.services.export_jobs import export_job_create, export_job_run

                export_jobs._enqueue = lambda organization_id, job_id: None  # run it here

                for fmt in args.formats.split(","):
                    with organization_scope(org):
                        job = export_job_create(
                            org=org, actor=user, fmt=fmt, params=QueryDict(urlencode(params))
                        )
                        with RssPeak() as rss, CpuTime() as cpu:
                            started = time.perf_counter()
                            job = export_job_run(job.pk)
                            seconds = time.perf_counter() - started
                        assert job.status == ExportJob.Status.DONE, job.error
                        print(
                            f"job {fmt:4} {job.progress_done:>7,} rows  {seconds:6.2f} s"
                            f"  cpu {cpu.seconds:6.2f} s"
                            f"  RSS +{rss.grown / 1e6:5.1f} MB  (export_job_run, in-process)",
                            flush=True,
                        )
                        job.file.delete(save=False)
                        job.delete()


if __name__ == "__main__":
    main()
