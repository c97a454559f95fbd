"""PostgreSQL-side processes for the cluster tests: PgBouncer, and a throwaway PostgreSQL
server with a hot standby. Each starts on a free port, logs to a file the test can show, and
is stopped when the test ends."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

from tests.cluster.services import (
    SERVICE_USER,
    as_service_user,
    database_settings,
    free_port,
    port_open,
    postgres_url,
    run,
    service_dir,
    stop,
    unavailable,
    wait_until,
)

PGBOUNCER = "/usr/sbin/pgbouncer"


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
