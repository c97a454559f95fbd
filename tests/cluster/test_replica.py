"""The read replica (DATABASE_REPLICA_URL, config/db_router.py) against a real hot standby.

The test makes a PostgreSQL server of its own under /tmp (initdb), loads the test database's
schema into it (tables, row-level security, grants), makes a hot standby of it with
pg_basebackup and streaming replication, and runs `replica_probe.py` in a process configured
the way a deployment is: DATABASE_URL the primary, DATABASE_REPLICA_URL the standby. The probe
pauses the standby's replay and creates a customer on the primary, so every read shows where
it ran: found means the primary, missing means the standby.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

from tests.cluster.databases import PostgresServer, dump_schema
from tests.cluster.services import BASE_DIR, app_env, postgres_url, service_dir
from tests.markers import postgresql_only

pytestmark = [
    pytest.mark.cluster,
    postgresql_only("a PostgreSQL hot standby"),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)"),
]

DB = "saksflyt"
OWN, OTHER = "Nordlys Eiendom", "Nordlys Borettslag"
NEW, WRITTEN = "Nordlys Nyhet", "Nordlys Skrevet"


def _probe_redis_url() -> str:
    """The probe's own Redis database next to the suite's (10 beside 9; 14 beside CI's 15), so
    clearing its cache leaves the suite's alone."""
    from config.redis_url import redis_database

    db = redis_database(settings.REDIS_URL)
    base = settings.REDIS_URL.split("?", 1)[0].rsplit("/", 1)[0]
    return f"{base}/{db + 1 if db < 15 else db - 1}"


@pytest.fixture(scope="module")
def primary_and_standby(django_db_setup, django_db_blocker):
    primary = PostgresServer().start()
    standby = None
    try:
        schema = service_dir("schema") / "schema.sql"
        with django_db_blocker.unblock():
            dump_schema(schema)
        app_user = settings.DATABASES["default"]["USER"]
        with primary.connect() as conn:
            conn.execute(f'CREATE ROLE "{app_user}" LOGIN')
            conn.execute(f'CREATE DATABASE "{DB}"')
        primary.psql(DB, schema)
        shutil.rmtree(schema.parent)
        standby = PostgresServer(standby_of=primary).start()
        yield primary, standby
    finally:
        if standby is not None:
            standby.stop()
        primary.stop()


@pytest.fixture(scope="module")
def facts(primary_and_standby) -> dict:
    primary, standby = primary_and_standby
    env = app_env(
        postgres_url("127.0.0.1", primary.port, DB, "postgres"),
        DATABASE_REPLICA_URL=postgres_url("127.0.0.1", standby.port, DB),
        STANDBY_PORT=str(standby.port),
        REDIS_URL=_probe_redis_url(),
    )
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "tests" / "cluster" / "replica_probe.py")],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, (
        f"{result.stdout}\n{result.stderr}\n--- standby ---\n{standby.log()[-3000:]}"
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_replica_alias_is_the_standby_read_as_the_application_role(facts):
    assert facts["aliases"] == ["default", "owner", "replica"]
    assert facts["routers"] == ["config.db_router.ReplicaRouter"]
    assert facts["in_recovery"] == {"default": False, "replica": True}
    assert facts["replica_user"] == settings.DATABASES["default"]["USER"] != "postgres"


def test_a_read_through_the_helper_lands_on_the_standby(facts):
    assert facts["alias_outside_transactions"] == "replica"
    names, counts = facts["helper_read"]
    # Replay is paused: the standby lacks the customer just created. Row-level security holds
    # there too: the other organization's namesake is not returned.
    assert names == [OWN]
    assert counts == {"primary": 0, "replica": 1}
    # Without the helper, the same read goes to the primary.
    names, counts = facts["plain_read"]
    assert names == [OWN, NEW]
    assert counts == {"primary": 1, "replica": 0}


def test_a_read_inside_a_transaction_stays_on_the_primary(facts):
    (alias, names), counts = facts["helper_read_in_transaction"]
    assert alias == "default"
    assert names == [OWN, NEW]
    assert counts["replica"] == 0


def test_writes_go_to_the_primary_and_later_reads_follow_them(facts):
    (written_on, alias_after, names), counts = facts["helper_write_then_read"]
    assert written_on == "default"
    assert alias_after == "default"  # read your own writes
    assert names == [OWN, NEW, WRITTEN]
    assert counts["replica"] == 0

    # A row read from the replica is saved to the primary.
    (loaded_from, saved_to), counts = facts["helper_save_of_replica_row"]
    assert (loaded_from, saved_to) == ("replica", "default")
    assert counts == {"primary": 1, "replica": 1}
    assert facts["city_on_primary"] == "Bodø"

    names, counts = facts["helper_select_for_update"]
    assert names == [NEW]
    assert counts["replica"] == 0


def test_search_and_the_events_csv_read_the_standby_and_other_pages_the_primary(facts):
    search = facts["search_page_paused"]
    assert search["status"] == 200
    assert search["names"] == [OWN]  # no NEW (not replayed), no OTHER (another organization)
    assert search["counts"]["replica"] >= 1
    options = facts["options_paused"]
    assert options["status"] == 200 and options["names"] == [OWN]
    assert options["counts"]["replica"] >= 1

    detail = facts["detail_page_paused"]
    assert detail["status"] == 200 and detail["shows_new"]
    assert detail["counts"]["replica"] == 0

    events = facts["events_csv_paused"]
    assert events["status"] == 200
    assert events["names"] == [OWN]  # the creation event of NEW is not replayed yet
    assert events["counts"]["replica"] >= 1


def test_once_replayed_the_standby_serves_the_new_rows(facts):
    assert facts["search_page_resumed"]["names"] == [OWN, NEW, WRITTEN]
    assert facts["events_csv_resumed"]["names"] == [OWN, NEW]
