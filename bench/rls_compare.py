"""The cost of row-level security: bench/run.py and bench/api_throughput.py on the code before it
and on this tree, in alternating rounds.

    git worktree add /tmp/bench_before d8f9196 && ln -s "$PWD/.venv" /tmp/bench_before/.venv
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/rls_compare.py --before /tmp/bench_before [--rounds 3] \\
        [--sizes 200000] [--prefix saksflyt_bench] [--redis-url redis://127.0.0.1:6379/8]

Without `--before`, only `after` and `after-owner` run (the policies' own cost, ratios to
`after-owner`), in database `<prefix>`.

Three configurations, each run once per round, in an order rotated from round to round so the
machine's drift (a shared VM drifts by 15 % within minutes) hits them alike:

- `before`: the checkout's own bench/run.py and bench/api_throughput.py (its code, its
  settings: one superuser connection, no scopes, no request transaction), database
  `<prefix>_before`;
- `after`: this tree with DATABASE_APP_USER (default saksflyt_app): the requests run as a role
  the policies apply to, database `<prefix>`;
- `after-owner`: this tree without it: the requests run as DATABASE_URL's role, a superuser that
  bypasses the policies, the same database. after-owner against before is the cost of the code
  (scopes, the request transaction, the per-transaction setting, everything else that changed);
  after against after-owner is the cost of the policies in the database.

Each database is generated on first use (bench/generate.py, the same seed: the same cases).
Pages: median, p95 and CPU per request (bench/cpu.py: this process and its PostgreSQL backend)
per round (`--requests` timed requests each) and the median over rounds, with the ratio to
`before`; the API: intake and bare-endpoint rates per round (the bare endpoint touches no
database: it shows the machine's speed in that round) and the CPU gunicorn's workers and the
backends spent per intake. On a loaded machine compare the CPU: the wall-clock times follow
everyone else's jobs.

The older checkout's scripts print no CPU (its column reads nan) unless they are given it: copy
bench/cpu.py there, call its `timed_cpu` where its run.py calls `timed` (printing `cpu N ms`
after the queries, as run.py does here) and measure its api_throughput.py's rounds with
`ServerCpu` as this one does. The README's figures were taken so, with the "case page, 4
events" page (`four_event_case`) added to its run.py too.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ("before", "after", "after-owner")
PAGE_LINE = re.compile(
    r"^\s*[\d,]+\s{2}(?P<label>.+?)\s+median\s+(?P<median>[\d.]+) ms\s+p95\s+(?P<p95>[\d.]+) ms"
    r"\s+(?P<queries>\d+) queries(?: \+(?P<sets>\d+) set)?(?:\s+cpu\s+(?P<cpu>[\d.nan]+) ms)?"
)
API_LINE = re.compile(
    r"^\s+(?P<name>bare|intake)\s+(?P<rate>[\d.]+) req/s\s+p50\s+(?P<p50>[\d.nan]+) ms"
    r"\s+p95\s+(?P<p95>[\d.nan]+) ms.*?(?:cpu\s+(?P<cpu>[\d.nan]+) ms/req)?$"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--before",
        type=Path,
        help="checkout of the older code; without it only after and after-owner are run, and"
        " ratios are to after-owner (the policies' own cost)",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default="200000", help="cases in the one organization")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--prefix", default="saksflyt_bench_rls", help="database name prefix")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--app-user", default="saksflyt_app")
    parser.add_argument("--api-seconds", type=float, default=15, help="per endpoint and run")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-api", action="store_true")
    parser.add_argument("--log", type=Path, help="append every run's full output to this file")
    return parser.parse_args()


def database_url(name: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL=postgres://... (a role that may create databases).")
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def setup(args: argparse.Namespace, config: str) -> tuple[Path, dict[str, str], str]:
    """(tree, environment, database) of one configuration."""
    tree = args.before.resolve() if config == "before" else ROOT
    database = f"{args.prefix}_before" if config == "before" else args.prefix
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_APP_USER"}
    env.update(
        DATABASE_URL=database_url(database),
        REDIS_URL=args.redis_url,
        CACHE_KEY_PREFIX=f"bench-rls-{config}",
        SAKSFLYT_VAR_DIR=f"/tmp/saksflyt-bench-rls-{config}",
        PYTHONUNBUFFERED="1",
        DATABASE_CONN_MAX_AGE="3600",  # one backend per process for the CPU readings
    )
    if config == "after":
        env["DATABASE_APP_USER"] = args.app_user
    return tree, env, database


def run(command: list[str], cwd: Path, env: dict[str, str], log: Path | None) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if log:
        with log.open("a") as out:
            out.write(f"\n$ (cd {cwd} && {' '.join(command)})\n{done.stdout}{done.stderr}")
    if done.returncode:
        sys.exit(
            f"{' '.join(command)} failed in {cwd}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    return done.stdout


def pages(args: argparse.Namespace, config: str) -> dict[str, dict]:
    tree, env, database = setup(args, config)
    python = str(ROOT / ".venv" / "bin" / "python")
    out = run(
        [python, "bench/run.py", "--sizes", args.sizes, "--database", database,
         "--requests", str(args.requests), "--warmup", str(args.warmup)],
        tree, env, args.log,
    )  # fmt: skip
    found = {}
    for line in out.splitlines():
        if match := PAGE_LINE.match(line):
            label = match["label"]
            busy = re.fullmatch(r"case page, (\d+) events", label)
            if busy and int(busy[1]) >= 100:  # the busy case: 200 entries or a few more
                label = "case page, busy case (200 events)"
            found[label] = {
                "median": float(match["median"]),
                "p95": float(match["p95"]),
                "queries": int(match["queries"]),
                "sets": int(match["sets"] or 0),
                "cpu": float(match["cpu"] or "nan"),
            }
    return found


def api(args: argparse.Namespace, config: str) -> dict[str, dict]:
    tree, env, database = setup(args, config)
    if not (tree / ".venv" / "bin" / "gunicorn").exists():
        sys.exit(f"{tree}/.venv/bin/gunicorn is missing: ln -s {ROOT}/.venv {tree}/.venv")
    python = str(ROOT / ".venv" / "bin" / "python")
    out = run(
        [python, "bench/api_throughput.py", "--database-url", env["DATABASE_URL"],
         "--redis-url", args.redis_url, "--seconds", str(args.api_seconds)],
        tree, env, args.log,
    )  # fmt: skip
    return {
        m["name"]: {
            "rate": float(m["rate"]),
            "p50": float(m["p50"]),
            "p95": float(m["p95"]),
            "cpu": float(m["cpu"] or "nan"),
        }
        for m in map(API_LINE.match, out.splitlines())
        if m
    }


def ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}" if base else "—"


def joined(values, fmt: str = ".1f") -> str:
    return " / ".join(format(v, fmt) for v in values)


def report_pages(results: dict[str, list[dict]]) -> None:
    configs = list(results)
    labels = [label for label in results[configs[0]][0] if label in results["after"][0]]
    print("\n### Pages (in-process; wall-clock ms per request, CPU ms per request)\n")
    print(
        "| page | config | median per round | p95 per round | CPU per round | median | p95 | CPU"
        f" | x {configs[0]} (median) | x {configs[0]} (CPU) | queries |"
    )
    print("|---|---|---|---|---|---:|---:|---:|---:|---:|---|")
    for label in labels:
        base = {
            key: statistics.median(r[label][key] for r in results[configs[0]])
            for key in ("median", "cpu")
        }
        for config in configs:
            rows = [r[label] for r in results[config] if label in r]
            medians, p95s, cpus = ([r[k] for r in rows] for k in ("median", "p95", "cpu"))
            median, cpu = statistics.median(medians), statistics.median(cpus)
            sets = f" +{rows[-1]['sets']} set" if rows[-1]["sets"] else ""
            print(
                f"| {label} | {config} | {joined(medians)} | {joined(p95s)} | {joined(cpus)} | "
                f"{median:.1f} | {statistics.median(p95s):.1f} | {cpu:.1f} | "
                f"{ratio(median, base['median'])} | {ratio(cpu, base['cpu'])} | "
                f"{rows[-1]['queries']}{sets} |"
            )


def report_api(results: dict[str, list[dict]]) -> None:
    print(
        "\n### API intake (gunicorn; bare = the same JSON through DRF without the database, the"
        " machine's speed in that round)\n"
    )
    print(
        "| config | intake req/s per round | bare req/s per round | intake CPU ms/req per round"
        " | intake req/s | intake / bare | intake p95 ms | CPU ms/req | x first (intake / bare)"
        " | x first (CPU) |"
    )
    print("|---|---|---|---|---:|---:|---:|---:|---:|---:|")
    summary = {}
    configs = list(results)
    for config in configs:
        rows = results[config]
        intake = [r["intake"]["rate"] for r in rows]
        bare = [r["bare"]["rate"] for r in rows]
        cpus = [r["intake"]["cpu"] for r in rows]
        share = statistics.median(i / b for i, b in zip(intake, bare, strict=True))
        summary[config] = (intake, bare, cpus, share, statistics.median(cpus))
    base_share, base_cpu = summary[configs[0]][3], summary[configs[0]][4]
    for config, (intake, bare, cpus, share, cpu) in summary.items():
        p95 = statistics.median(r["intake"]["p95"] for r in results[config])
        print(
            f"| {config} | {joined(intake, '.0f')} | {joined(bare, '.0f')} | {joined(cpus, '.2f')}"
            f" | {statistics.median(intake):.0f} | {share:.0%} | {p95:.0f} | {cpu:.2f} | "
            f"{ratio(share, base_share)} | {ratio(cpu, base_cpu)} |"
        )


def main() -> None:
    args = parse_args()
    if args.before and not (args.before / "bench" / "run.py").exists():
        sys.exit(f"{args.before} is not a checkout with bench/run.py")
    configs = CONFIGS if args.before else ("after-owner", "after")
    page_results: dict[str, list[dict]] = {c: [] for c in configs}
    api_results: dict[str, list[dict]] = {c: [] for c in configs}
    for n in range(args.rounds):
        order = configs[n % len(configs) :] + configs[: n % len(configs)]
        for config in order if not args.skip_pages else ():
            page_results[config].append(pages(args, config))
            print(f"round {n + 1} pages {config}: {page_results[config][-1]}", flush=True)
        for config in order if not args.skip_api else ():
            api_results[config].append(api(args, config))
            print(f"round {n + 1} api {config}: {api_results[config][-1]}", flush=True)
    print(f"\n{args.rounds} rounds, sizes {args.sizes}, {os.cpu_count()} CPUs")
    if not args.skip_pages:
        report_pages(page_results)
    if not args.skip_api:
        report_api(api_results)


if __name__ == "__main__":
    main()
