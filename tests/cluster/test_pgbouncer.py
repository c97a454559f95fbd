"""Saksflyt behind PgBouncer in transaction pooling mode (README → Production → Behind PgBouncer).

Debian's pgbouncer (installed when missing) runs in front of the test database with ONE server
connection per database and user, so every transaction of every client is multiplexed onto the
same PostgreSQL session. A gunicorn node (DATABASE_POOLER=pgbouncer) then serves two
organizations' staff, reading and writing, interleaved from several threads. If any state
outlived a transaction — the tenancy setting, a prepared statement, a server-side cursor — one
organization would see the other's rows or a request would fail.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from customers.models import Customer
from tests.cluster.databases import PgBouncer
from tests.cluster.services import BASE_DIR, WebNode, app_env, post_form, signed_in
from tests.factories.customers import CustomerFactory
from tests.markers import postgresql_only

pytestmark = [
    pytest.mark.cluster,
    postgresql_only("PgBouncer in front of PostgreSQL"),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)"),
]

APP_USER = settings.DATABASES["default"]["USER"]
ROUNDS = 12


@pytest.fixture
def bouncer():
    with PgBouncer(pool_size=1) as running:
        yield running


def test_the_pooler_setting_turns_prepared_statements_and_server_side_cursors_off():
    code = (
        "import json, django; django.setup(); from django.conf import settings;"
        "print(json.dumps({a: [d['OPTIONS'].get('prepare_threshold', 'unset'),"
        " d['OPTIONS'].get('server_side_binding'), d['DISABLE_SERVER_SIDE_CURSORS']]"
        " for a, d in settings.DATABASES.items()}))"
    )
    url = "postgres://postgres@127.0.0.1:6432/saksflyt"

    def options_with(**extra: str) -> dict:
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=BASE_DIR,
            env=app_env(url, **extra),
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(result.stdout)

    assert options_with(DATABASE_POOLER="pgbouncer") == {
        "default": [None, False, True],
        "owner": [None, False, True],
    }
    # Without it (this process, straight to PostgreSQL): server-side parameters and prepared
    # statements, server-side cursors off all the same.
    for alias in ("default", "owner"):
        options = settings.DATABASES[alias].get("OPTIONS", {})
        assert options.get("prepare_threshold") == 1
        assert options.get("server_side_binding") is True
        assert settings.DATABASES[alias]["DISABLE_SERVER_SIDE_CURSORS"] is True
    # DATABASE_PREPARE_THRESHOLD sets how many runs come before a statement is prepared.
    assert options_with(DATABASE_PREPARE_THRESHOLD="0")["default"][0] == 0
    # And DATABASE_PREPARED_STATEMENTS=false gives Django's defaults.
    assert options_with(DATABASE_PREPARED_STATEMENTS="false") == {
        "default": ["unset", None, True],
        "owner": ["unset", None, True],
    }


def _names(html: str, prefix: str) -> set[str]:
    return set(re.findall(rf"({prefix} [a-z]+ \d+)", html))


@pytest.mark.django_db(transaction=True)
def test_two_organizations_interleaved_on_one_server_connection_see_only_their_own(
    bouncer, tenant, other_tenant, tmp_path
):
    for i in range(3):
        CustomerFactory(organization=tenant.org, name=f"Alfa kunde {i}")
        CustomerFactory(organization=other_tenant.org, name=f"Beta kunde {i}")
    node = WebNode(
        app_env(bouncer.url(), DATABASE_POOLER="pgbouncer"), "web-pgbouncer", tmp_path, threads=4
    ).start()
    try:
        node.wait_ready()
        users = {
            "Alfa": (tenant.org.slug, signed_in(tenant.caseworker)),
            "Beta": (other_tenant.org.slug, signed_in(other_tenant.caseworker)),
        }

        def search(who: str) -> tuple[str, int, set[str]]:
            slug, session = users[who]
            response = session.get(f"{node.url}/{slug}/customers/?q=kunde", timeout=30)
            return who, response.status_code, _names(response.text, "(?:Alfa|Beta)")

        def create(who: str, i: int) -> tuple[str, int]:
            slug, session = users[who]
            response = post_form(
                session,
                f"{node.url}/{slug}/customers/new/",
                {"customer_type": "person", "kind": "regular", "name": f"{who} ny {i}"},
            )
            return who, response.status_code

        # Each organization's reads and writes, alternating, from several threads at once: the
        # node's four connections to PgBouncer share its one server connection.
        with ThreadPoolExecutor(max_workers=6) as pool:
            jobs = [pool.submit(search, "Alfa" if i % 2 else "Beta") for i in range(ROUNDS * 2)] + [
                pool.submit(create, who, i) for i in range(ROUNDS // 2) for who in users
            ]
            results = [job.result() for job in jobs]

        for result in results:
            if len(result) == 3:
                who, status, seen = result
                assert status == 200
                assert seen and {name.split()[0] for name in seen} == {who}, result
            else:
                assert result[1] == 302, result
        for who, tenant_ in (("Alfa", tenant), ("Beta", other_tenant)):
            created = Customer.objects.filter(name__startswith=f"{who} ny ")
            assert created.count() == ROUNDS // 2
            assert set(created.values_list("organization_id", flat=True)) == {tenant_.org.pk}
        assert "Traceback" not in node.log()

        # The node held several client connections; PgBouncer served them all with one
        # PostgreSQL session.
        clients = [c for c in bouncer.admin("SHOW CLIENTS") if c["user"] == APP_USER]
        servers = [s for s in bouncer.admin("SHOW SERVERS") if s["user"] == APP_USER]
        assert len(clients) >= 2
        assert len(servers) == 1
        server_pid = servers[0]["remote_pid"]
    finally:
        node.stop()

    # That session, handed to a new client with no organization: nothing of the requests'
    # organizations is left in it.
    with bouncer.connect(APP_USER) as conn:
        pid, setting, everyone, visible = conn.execute(
            "SELECT pg_backend_pid(), current_setting('app.organization_id', true),"
            " current_setting('app.all_organizations', true),"
            " (SELECT count(*) FROM customers_customer)"
        ).fetchone()
    assert pid == server_pid
    assert setting in (None, "") and everyone in (None, "")
    assert visible == 0  # row-level security with no organization: no rows


@pytest.mark.django_db(transaction=True)
def test_a_transaction_local_setting_ends_with_its_transaction_on_a_shared_session(bouncer, tenant):
    CustomerFactory(organization=tenant.org, name="Alfa kunde")
    sql = "SELECT pg_backend_pid(), (SELECT count(*) FROM customers_customer)"
    with bouncer.connect(APP_USER) as first, bouncer.connect(APP_USER) as second:
        with first.transaction():
            first.execute(
                "SELECT set_config('app.organization_id', %s, true)", [str(tenant.org.pk)]
            )
            pid_first, seen_first = first.execute(sql).fetchone()
        pid_second, seen_second = second.execute(sql).fetchone()
    assert pid_first == pid_second  # the same PostgreSQL session, one client after the other
    assert (seen_first, seen_second) == (1, 0)
