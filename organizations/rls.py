"""PostgreSQL row-level security: the database's own wall between organizations.

After every `migrate` (post_migrate, on the schema owner's connection) each table in the schema
that has an `organization_id` column gets ENABLE and FORCE ROW LEVEL SECURITY and the policy
`tenant_isolation`: a row is visible and writable only when its organization is the one the
transaction set (`app.organization_id`), or the transaction says it works across
organizations (`app.all_organizations = 'on'`). An unset value means no rows, not an error.
Tables added later are covered by the next migrate; `tests/tenancy/test_rls_catalog.py`
checks the catalog.

The application's role (DATABASE_APP_USER) gets data privileges only: it is neither superuser,
owner nor BYPASSRLS. It is created here when missing (tests, development); in production the
operator creates it with a password (README → Production).

Deliberately without a policy: tables without `organization_id` — organizations, users,
sessions, Django's own tables. Sign-in needs users and organizations before an organization is
known, and they hold no tenant data; memberships and invitations do carry `organization_id` and
are read across organizations only inside `all_organizations(...)` for the signed-in user's own
rows or a presented token.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connections

from organizations import sharding

logger = logging.getLogger(__name__)

POLICY = "tenant_isolation"
SETTING = "app.organization_id"
ALL_SETTING = "app.all_organizations"

PREDICATE = (
    "((SELECT current_setting('app.all_organizations', true)) = 'on' "
    "OR organization_id = (SELECT NULLIF(current_setting('app.organization_id', true), '')"
    "::bigint))"
)


# Under row-level security PostgreSQL evaluates a query's own conditions after the policy's
# unless every function in them is LEAKPROOF, and so cannot use an index for them: the customer
# search's trigram indexes (UPPER(col) LIKE UPPER(%s), REPLACE(...) LIKE ...) would go unused.
# These functions reveal nothing about their arguments beyond their result (LIKE's only errors
# are about the pattern, which is the caller's own input), so they are marked LEAKPROOF. That
# takes a superuser; without one the search still works, without its indexes.
LEAKPROOF_FUNCTIONS = (
    "pg_catalog.upper(text)",
    "pg_catalog.replace(text, text, text)",
    "pg_catalog.textlike(text, text)",
    # The top bar's search (search/selectors.py): full-text `@@`, which raises nothing about
    # a row's value either (its trigram conditions are the LIKEs above). A function missing
    # from this installation is skipped.
    "pg_catalog.ts_match_vq(tsvector, tsquery)",
)


def tenant_tables(cursor) -> list[str]:
    cursor.execute(
        """
        SELECT c.relname FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organization_id'
            AND NOT a.attisdropped
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
        ORDER BY c.relname
        """
    )
    return [row[0] for row in cursor.fetchall()]


def app_role() -> str:
    return settings.DATABASES.get("default", {}).get("USER", "")


def apply(using: str) -> list[str]:
    """Grant the application role its privileges and put every tenant table under the policy.
    Idempotent; returns the tables covered."""
    connection = connections[using]
    role = app_role() if "owner" in settings.DATABASES else ""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if role:
            _ensure_role(cursor, quote(role), role)
        tables = tenant_tables(cursor)
        for table in tables:
            name = quote(table)
            cursor.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
            cursor.execute(f"DROP POLICY IF EXISTS {POLICY} ON {name}")
            cursor.execute(
                f"CREATE POLICY {POLICY} ON {name} USING {PREDICATE} WITH CHECK {PREDICATE}"
            )
        sharding.ensure_tenant_foreign_keys(cursor, quote)
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            for function in LEAKPROOF_FUNCTIONS:
                cursor.execute("SELECT to_regprocedure(%s) IS NOT NULL", [function])
                if cursor.fetchone()[0]:
                    cursor.execute(f"ALTER FUNCTION {function} LEAKPROOF")
        else:
            logger.warning("not a superuser: the search's functions stay non-LEAKPROOF")
    return tables


def _ensure_role(cursor, ident: str, role: str) -> None:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    if cursor.fetchone() is None:
        password = settings.DATABASES["default"].get("PASSWORD") or ""
        if password:  # bound client-side: CREATE ROLE takes no server-side parameters
            cursor.execute(f"CREATE ROLE {ident} LOGIN PASSWORD %s", [password])
        else:
            cursor.execute(f"CREATE ROLE {ident} LOGIN")
    for statement in (
        "GRANT USAGE ON SCHEMA public TO {}",
        "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {}",
        "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO {}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {}",
    ):
        cursor.execute(statement.format(ident))


def on_post_migrate(sender, using: str, plan=None, **kwargs) -> None:
    """post_migrate handler (sent once per app; the work is idempotent, so it runs for the
    last app only). A flush sends it too, without a plan: the schema did not change."""
    from django.apps import apps

    if plan is None:
        return
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is not with_models[-1]:
        return
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    if "owner" in settings.DATABASES and using != "owner":
        return  # the application's role cannot change the schema (e.g. a test's flush)
    tables = apply(using)
    logger.info("row-level security on %d tables", len(tables))
