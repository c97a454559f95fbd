"""Real processes for the cluster tests: gunicorn web nodes, Celery workers and beats, and the
helpers the database side (databases.py) shares. Each process starts on a free port or with a
name of its own, logs to a file the test can show, and is stopped (by its own process id) when
the test ends."""

from __future__ import annotations

import os
import pwd
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.ci_guard import in_ci

BASE_DIR = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent
# pgbouncer and PostgreSQL refuse to run as root: as root, they run as this user.
SERVICE_USER = "postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def service_dir(prefix: str) -> Path:
    """A directory the service user can write (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix=f"saksflyt-{prefix}-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam(SERVICE_USER)
        os.chown(path, user.pw_uid, user.pw_gid)
    return path


def as_service_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", SERVICE_USER, "--", *cmd] if os.geteuid() == 0 else cmd


def run(cmd: list[str], **kwargs) -> str:
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode:
        raise AssertionError(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def unavailable(reason: str):
    """Skip on a laptop without the tool; in CI (SAKSFLYT_CI) the run must have it."""
    if in_ci():
        pytest.fail(f"SAKSFLYT_CI is set and {reason}")
    pytest.skip(reason)


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Stop a process started with start_new_session=True, and its children."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


def database_settings() -> dict:
    """Connection settings of the test database, as the schema owner (DATABASE_URL's role)."""
    from django.db import connections

    alias = "owner" if "owner" in connections else "default"
    db = connections[alias].settings_dict
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": int(db["PORT"] or 5432),
        "name": db["NAME"],
        "user": db["USER"],
        "password": db["PASSWORD"] or "",
    }


def postgres_url(host: str, port: int, name: str, user: str = "", password: str = "") -> str:
    auth = user + (f":{password}" if password else "")
    return f"postgres://{auth + '@' if auth else ''}{host}:{port}/{name}"


# --- gunicorn web nodes ---------------------------------------------------------------------


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of an application process (web node, worker, beat) in test mode."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "SAKSFLYT_TESTING": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BASE_DIR), os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


class WebNode:
    """`gunicorn config.wsgi` on a free port (one worker process, a few threads)."""

    def __init__(self, env: dict[str, str], name: str, log_dir: Path, threads: int = 4) -> None:
        self.port = free_port()
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self.cmd = [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            "--workers=1",
            f"--threads={threads}",
            "--timeout=60",
            "--graceful-timeout=5",
        ]
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.quit_signal = signal.SIGKILL  # nothing to finish: the test is done with it

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> WebNode:
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                self.cmd,
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait_ready(self) -> None:
        import requests

        def ready() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited:\n{self.log()}")
            try:
                return requests.get(f"{self.url}/healthz", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_until(ready, 60, f"{self.name} to answer /healthz", interval=0.2)

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc, self.quit_signal)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


# --- HTTP as a signed-in user ------------------------------------------------------------------


def signed_in(user):
    """A `requests` session carrying a session cookie of `user` (made by the test client: the
    session lives in the database and the shared Redis cache, as any node's would)."""
    import requests
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return session


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def post_form(session, url: str, data: dict, timeout: float = 30):
    """GET the form page at `url` (for its CSRF token and cookie), then POST `data` to it."""
    page = session.get(url, timeout=timeout)
    assert page.status_code == 200, (url, page.status_code)
    token = CSRF_FIELD.search(page.text).group(1)
    return session.post(
        url,
        data={**data, "csrfmiddlewaretoken": token},
        headers={"Referer": url},
        allow_redirects=False,
        timeout=timeout,
    )


# --- Celery workers and beats --------------------------------------------------------------------


class Celery:
    """A `celery worker` (solo pool) or `celery beat` process of the cluster."""

    def __init__(self, kind: str, env: dict[str, str], name: str, log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        cmd = [str(VENV_BIN / "celery"), "-A", "config", kind]
        if kind == "worker":
            cmd += [
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname={name}-{os.getpid()}@%h",
            ]
        else:
            cmd += ["--loglevel=INFO", f"--schedule={log_dir / name}-schedule"]
        self.cmd = cmd
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.quit_signal = signal.SIGKILL  # nothing to finish: the test is done with it

    @property
    def pid(self) -> int:
        return self.proc.pid

    def start(self) -> Celery:
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                self.cmd,
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, nothing finished."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc, self.quit_signal)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
