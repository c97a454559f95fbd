"""`make run` on a fresh clone: embedded SQLite demo, seeded, serving the sign-in page."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from organizations.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def _clean_env(var_dir: Path) -> dict[str, str]:
    """No DATABASE_URL, REDIS_URL or anything else of the test run: the demo's embedded mode."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "SAKSFLYT_VAR_DIR": str(var_dir),
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_make_run_installs_compiles_migrates_seeds_and_serves():
    result = subprocess.run(
        ["make", "-n", "-B", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    steps = [
        "pip install",
        "scripts/compile_messages.py",
        "manage.py migrate",
        "manage.py seed_demo",
        "manage.py runserver",
    ]
    positions = [result.stdout.find(step) for step in steps]
    assert -1 not in positions, result.stdout
    assert positions == sorted(positions), result.stdout


@pytest.fixture
def demo_server(tmp_path):
    """Run what `make run` runs after installing, in the embedded mode, on a free port."""
    env = _clean_env(tmp_path / "var")
    manage = [sys.executable, "manage.py"]
    for step in (["migrate", "--noinput"], ["seed_demo"]):
        done = subprocess.run(
            manage + step, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
    seed_output = done.stdout

    port = _free_port()
    server = subprocess.Popen(
        manage + ["runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"runserver did not start:\n{server.stdout.read()}")
                time.sleep(0.3)
        yield base, seed_output, tmp_path / "var"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _assert_a_working_office(path: Path) -> None:
    """Each demo organization starts with at least 60 cases in every status, with history,
    notes, tasks and logged time (cases/demo_volume.py)."""
    with sqlite3.connect(path) as db:
        orgs = [row[0] for row in db.execute("SELECT id FROM organizations_organization")]
        assert len(orgs) == 3
        for org in orgs:
            statuses = dict(
                db.execute(
                    "SELECT status, COUNT(*) FROM cases_case WHERE organization_id = ? "
                    "GROUP BY status",
                    [org],
                ).fetchall()
            )
            assert sum(statuses.values()) >= 60, statuses
            assert set(statuses) == {"new", "in_progress", "waiting", "resolved", "closed"}
            for table in ("cases_caseevent", "cases_note", "cases_task", "cases_timeentry"):
                (count,) = db.execute(
                    f"SELECT COUNT(*) FROM {table} WHERE organization_id = ?", [org]
                ).fetchone()
                assert count >= 20, (table, org, count)


def test_fresh_demo_serves_the_sign_in_page_and_its_logins_work(demo_server):
    base, seed_output, var_dir = demo_server

    assert (var_dir / "saksflyt.sqlite3").exists()
    assert f"password for all: {DEMO_PASSWORD}" in seed_output
    _assert_a_working_office(var_dir / "saksflyt.sqlite3")

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(f"{base}/accounts/login/", timeout=10)
    html = page.read().decode()
    assert page.status == 200
    assert 'name="username"' in html and 'name="password"' in html
    assert re.search(r'<button type="submit"[^>]*>', html)

    # Sign in as a printed demo login, as a browser would.
    email = re.search(r"^\s+(saksbehandler@\S+)\s", seed_output, flags=re.MULTILINE).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": email, "password": DEMO_PASSWORD}
    ).encode()
    inbox = opener.open(
        urllib.request.Request(
            f"{base}/accounts/login/", data=body, headers={"Referer": f"{base}/accounts/login/"}
        ),
        timeout=10,
    )
    assert inbox.status == 200
    assert urllib.parse.urlparse(inbox.url).path == "/nordbygg/"
