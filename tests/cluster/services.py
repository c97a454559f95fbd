"""Real processes for the cluster tests: PgBouncer, a throwaway PostgreSQL primary with a hot
standby, gunicorn web nodes. Each starts on a free port, logs to a file the test can show, and
is stopped (by its own process id) when the test ends."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
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
PGBOUNCER = "/usr/sbin/pgbouncer"
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


# --- PgBouncer ---------------------------------------------------------------------------------


def ensure_pgbouncer() -> str:
    """Debian's pgbouncer, installed when missing (as .ci/run does for its packages)."""
    if os.path.exists(PGBOUNCER):
        return PGBOUNCER
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        unavailable("pgbouncer is not installed (apt-get install pgbouncer)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=300)
    result = subprocess.run(
        ["apt-get", "install", "-y", "-qq", "pgbouncer"], env=env, capture_output=True, timeout=300
    )
    if result.returncode or not os.path.exists(PGBOUNCER):
        unavailable(f"pgbouncer could not be installed: {result.stderr.decode()[-500:]}")
    return PGBOUNCER


class PgBouncer:
    """PgBouncer in transaction pooling mode in front of the test database's server, with
    `pool_size` server connections per database and user (trust authentication for the users
    in its userlist)."""

    def __init__(self, *, pool_size: int = 1, users: tuple[str, ...] = ()) -> None:
        self.binary = ensure_pgbouncer()
        self.db = database_settings()
        self.port = free_port()
        self.dir = service_dir("pgbouncer")
        users = users or (self.db["user"], settings.DATABASES["default"]["USER"])
        (self.dir / "userlist.txt").write_text("".join(f'"{u}" ""\n' for u in set(users)))
        (self.dir / "pgbouncer.ini").write_text(
            "\n".join(
                [
                    "[databases]",
                    f"* = host={self.db['host']} port={self.db['port']}",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    f"listen_port = {self.port}",
                    "unix_socket_dir =",
                    "auth_type = trust",
                    f"auth_file = {self.dir / 'userlist.txt'}",
                    f"admin_users = {self.db['user']}",
                    "pool_mode = transaction",
                    f"default_pool_size = {pool_size}",
                    "min_pool_size = 0",
                    "reserve_pool_size = 0",
                    "max_client_conn = 200",
                    "server_reset_query =",
                    "ignore_startup_parameters = extra_float_digits",
                    f"logfile = {self.dir / 'pgbouncer.log'}",
                    "",
                ]
            )
        )
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> PgBouncer:
        cmd = [self.binary, str(self.dir / "pgbouncer.ini")]
        if os.geteuid() == 0:
            cmd[1:1] = ["-u", SERVICE_USER]
        self.proc = subprocess.Popen(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(lambda: port_open(self.port) or self.proc.poll() is not None, 15, "pgbouncer")
        if self.proc.poll() is not None:
            raise AssertionError(f"pgbouncer did not start:\n{self.log()}")
        return self

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            stop(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self) -> str:
        path = self.dir / "pgbouncer.log"
        return path.read_text() if path.exists() else ""

    def url(self, user: str | None = None) -> str:
        """DATABASE_URL through PgBouncer (as the schema owner unless `user` says otherwise)."""
        return postgres_url("127.0.0.1", self.port, self.db["name"], user or self.db["user"])

    def connect(self, user: str, **kwargs):
        import psycopg

        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            dbname=self.db["name"],
            user=user,
            autocommit=True,
            prepare_threshold=None,
            **kwargs,
        )

    def admin(self, command: str) -> list[dict]:
        """A SHOW command on PgBouncer's admin console, as rows of dicts."""
        import psycopg
        from psycopg.rows import dict_row

        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            dbname="pgbouncer",
            user=self.db["user"],
            autocommit=True,
            prepare_threshold=None,
            cursor_factory=psycopg.ClientCursor,
            row_factory=dict_row,
        ) as conn:
            return conn.execute(command).fetchall()


# --- A throwaway PostgreSQL server and its hot standby -------------------------------------


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        unavailable(f"PostgreSQL's server programs ({name}) are not installed")
    return found[-1]


class PostgresServer:
    """A PostgreSQL server of its own under /tmp (initdb, trust authentication for local TCP,
    replication allowed), or, with `standby_of`, a hot standby made by pg_basebackup."""

    def __init__(self, standby_of: PostgresServer | None = None) -> None:
        self.port = free_port()
        self.dir = service_dir("pg")
        self.data = self.dir / "data"
        if standby_of is None:
            run(
                as_service_user(
                    [
                        _pg_bin("initdb"),
                        "-D",
                        str(self.data),
                        "-U",
                        "postgres",
                        "--auth=trust",
                        "-E",
                        "UTF8",
                        "--locale=C.UTF-8",
                        "--no-sync",
                    ]
                )
            )
        else:
            run(
                as_service_user(
                    [
                        _pg_bin("pg_basebackup"),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(standby_of.port),
                        "-U",
                        "postgres",
                        "-D",
                        str(self.data),
                        "-R",  # standby.signal and primary_conninfo
                        "-X",
                        "stream",
                        "--checkpoint=fast",
                        "--no-sync",
                    ]
                )
            )
        self.standby = standby_of is not None

    def start(self) -> PostgresServer:
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c wal_level=replica"
            " -c max_wal_senders=4 -c hot_standby=on -c shared_buffers=16MB"
        )
        run(
            as_service_user(
                [
                    _pg_bin("pg_ctl"),
                    "-D",
                    str(self.data),
                    "-o",
                    options,
                    "-l",
                    str(self.dir / "server.log"),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            )
        )
        return self

    def stop(self) -> None:
        subprocess.run(
            as_service_user([_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self) -> str:
        path = self.dir / "server.log"
        return path.read_text() if path.exists() else ""

    def connect(self, dbname: str = "postgres", user: str = "postgres"):
        import psycopg

        return psycopg.connect(
            host="127.0.0.1", port=self.port, dbname=dbname, user=user, autocommit=True
        )

    def psql(self, dbname: str, sql_file: Path) -> None:
        run(
            [
                _pg_bin("psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                dbname,
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-f",
                str(sql_file),
            ]
        )


def dump_schema(target: Path) -> None:
    """The test database's schema (tables, row-level security policies, grants) as SQL."""
    db = database_settings()
    run(
        [
            _pg_bin("pg_dump"),
            "-h",
            db["host"],
            "-p",
            str(db["port"]),
            "-U",
            db["user"],
            "--schema-only",
            "--no-owner",
            "-f",
            str(target),
            db["name"],
        ],
        env={**os.environ, "PGPASSWORD": db["password"]},
    )


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
        "PYTHONPATH": str(BASE_DIR),
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
            stop(self.proc)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
