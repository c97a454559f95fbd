"""The search's statements are answered from their indexes as the application's role, under
row-level security with the organization set: `@@` and LIKE (with UPPER/REPLACE) are LEAKPROOF
(organizations/rls.py), or PostgreSQL would apply them only after the policy, row by row."""

from __future__ import annotations

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from cases.api.selectors import case_list_for_api
from cases.selectors.fulltext import SearchText
from cases.services.inbound import case_message_receive
from cases.services.notes import note_add
from inquiries.models import Inquiry
from organizations.tenancy import organization_scope
from search import selectors

pytestmark = pytest.mark.django_db(transaction=True)

# Copies of one row each, so the planner has tables where the search's indexes beat the
# organization's B-tree (on a handful of rows it rightly reads the B-tree): table, source
# row, {column: SQL expression of g (1..N)}.
N = 3000
COPIES = [
    ("cases_case", "window", {"number": "1000 + g", "title": "'Sak nummer ' || g"}),
    ("cases_note", "note", {"body": "'Notat ' || g"}),
    ("cases_caseevent", "message", {"data": "jsonb_build_object('text', 'Melding ' || g)"}),
    ("inquiries_inquiry", "inquiry", {"subject": "'Henvendelse ' || g"}),
    ("customers_customer", "customer", {"name": "'Kunde ' || g", "phone": "g::text"}),
    ("properties_property", "property", {"address": "'Gate ' || g", "property_number": "'N' || g"}),
    ("properties_container", "container", {"container_id": "'K' || g"}),
]


def _copy(table: str, pk: int, overrides: dict[str, str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
            " AND NOT attisdropped AND attname NOT IN ('id', 'search_vector')",
            [table],
        )
        columns = [name for (name,) in cursor.fetchall()]
        values = [overrides.get(name, f'"{name}"') for name in columns]
        names = ", ".join(f'"{name}"' for name in columns)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {', '.join(values)}"
            f" FROM {table}, generate_series(1, {N}) g WHERE id = %s",
            [pk],
        )


def _analyze() -> None:
    import psycopg

    settings = connections["owner"].settings_dict
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, dbname=settings["NAME"],
        user=settings["USER"], password=settings["PASSWORD"] or None, autocommit=True,
    ) as conn:  # fmt: skip
        for table, _, _ in COPIES:
            conn.execute(f"ANALYZE {table}")


@pytest.fixture
def many(world, nb_tenant):
    org, actor = nb_tenant.org, nb_tenant.caseworker
    rows = dict(world)
    rows["note"] = note_add(org=org, actor=actor, case=world["window"], body="Notat")
    rows["message"] = case_message_receive(
        org=org, case=world["door"], inbound_email_id=None, sender="a@example.no", text="Hei"
    )
    rows["inquiry"] = Inquiry.objects.create(organization=org, channel="api", subject="Hei")
    for table, source, overrides in COPIES:
        _copy(table, rows[source].pk, overrides)
    _analyze()
    return rows


def _plans(org, run, edit=lambda sql: sql) -> list[str]:
    with organization_scope(org), CaptureQueriesContext(connection) as ctx:
        run()
    plans = []
    with organization_scope(org), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_setting('app.organization_id', true)")
        assert cursor.fetchone() == ("saksflyt_app", str(org.pk))
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in ctx.captured_queries:
            if not query["sql"].lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN " + edit(query["sql"]))
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def test_leakproof_functions(db):
    from organizations.rls import LEAKPROOF_FUNCTIONS

    assert "pg_catalog.ts_match_vq(tsvector, tsquery)" in LEAKPROOF_FUNCTIONS
    with connection.cursor() as cursor:
        for function in LEAKPROOF_FUNCTIONS:
            cursor.execute(
                "SELECT proleakproof FROM pg_proc WHERE oid = %s::regprocedure", [function]
            )
            assert cursor.fetchone() == (True,), function


def test_full_text_reads_its_indexes(many, nb_tenant):
    org = nb_tenant.org

    def plan(search, q: str) -> str:
        (found,) = _plans(org, lambda: search(org, SearchText.parse(q), limit=5))
        assert "Seq Scan" not in found, found
        return found

    cases = plan(selectors.search_cases, "dugger")
    for index in ("cases_case_search_idx", "cases_note_search_idx", "cases_caseevent_search_idx"):
        assert index in cases, cases
    assert "inquiries_inquiry_search_idx" in plan(selectors.search_inquiries, "hei")


def test_trigram_conditions_can_use_their_indexes_under_the_policy(many, nb_tenant):
    """Names and numbers: with the statement's own `organization_id = …` left out (else the
    planner rightly reads the organization's few thousand rows by its B-tree), only the
    policy limits the organization, and the LIKE conditions must still reach the trigram
    indexes, which they can only if they are LEAKPROOF."""
    org = nb_tenant.org

    def without_organization(sql: str) -> str:
        assert f"organization_id = {org.pk} AND" in sql
        return sql.replace(f"organization_id = {org.pk} AND", "")

    def plan(search, q: str) -> str:
        (found,) = _plans(
            org, lambda: search(org, SearchText.parse(q), limit=5), edit=without_organization
        )
        assert "Seq Scan" not in found, found
        return found

    customers = plan(selectors.search_customers, "solberg")
    for index in ("customer_name_trgm", "customer_email_trgm", "customer_phone_trgm"):
        assert index in customers, customers
    properties = plan(selectors.search_properties, "solsidevegen")
    for index in ("search_property_address_trgm", "search_property_number_trgm"):
        assert index in properties, properties
    assert "search_container_id_trgm" in plan(selectors.search_containers, "bx-778")


def test_exact_jump_and_api_q_read_indexes(many, nb_tenant):
    org = nb_tenant.org
    (exact,) = _plans(org, lambda: selectors.exact_target(org, SearchText.parse("1042")))
    assert "case_unique_number" in exact and "Seq Scan" not in exact, exact
    (api,) = _plans(org, lambda: list(case_list_for_api(org, {"q": "vindu"})[:50]))
    assert "cases_case_search_idx" in api and "cases_note_search_idx" in api, api
