"""The schema's readiness to be sharded by organization (Citus), read from the catalog.

Every table is one of:

- a **tenant table**: it has a NOT NULL `organization_id`; in Citus it is distributed by it,
  all co-located, so any join between an organization's rows stays on one worker;
- a **global table** (`GLOBAL_TABLES`): organizations, users and Django's own tables, which
  sign-in needs before an organization is known; small, replicated to every worker as Citus
  reference tables;
- a **coordinator-only table** (`LOCAL_TABLES`): sessions, login throttling, migrations — no
  foreign key from or to a tenant table, so they stay on the coordinator.

For Citus a unique constraint on a distributed table must contain the distribution column, and
a foreign key between distributed tables must too. `problems()` lists what breaks those rules
(a new table without `organization_id`, a unique constraint or a foreign key without it);
`tests/tenancy/test_sharding_catalog.py` requires none. Django's own single-column foreign keys
between tenant tables stay (the ORM manages them); each gets a composite twin
`(x_id, organization_id) → x (id, organization_id)` made by `ensure_tenant_foreign_keys` after
every migrate, which is also the database refusing a row that points into another
organization. `manage.py citus_ddl` prints the statements that distribute the schema.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

GLOBAL_TABLES = frozenset(
    {
        "organizations_organization",
        "organizations_user",
        "organizations_user_groups",
        "organizations_user_user_permissions",
        "auth_group",
        "auth_group_permissions",
        "auth_permission",
        "django_content_type",
        "django_admin_log",
    }
)
LOCAL_TABLES = frozenset(
    {
        "django_migrations",
        "django_session",
        "axes_accessattempt",
        "axes_accessattemptexpiration",
        "axes_accessfailurelog",
        "axes_accesslog",
    }
)
# Tenant tables replicated whole (Citus reference tables) because a lookup across organizations
# must find one row: small, and written rarely.
REFERENCE_TENANT_TABLES = {
    "notifications_receivingaddress": "an address routes received mail to one organization",
}
# Unique columns of tenant tables that are unique across the installation by construction and
# kept so; each has a twin UNIQUE (organization_id, ...) that Citus keeps when it drops them.
GLOBALLY_UNIQUE = {
    ("inquiries_inquiry", ("case_id",)): "one-to-one with a case, itself in one organization",
    ("inquiries_inquiry", ("deviation_id",)): "one-to-one with a deviation of one organization",
    ("portal_residentaccount", ("customer_id",)): "one-to-one with a customer of one organization",
    ("portal_portaltoken", ("token_hash",)): "SHA-256 of a 256-bit random secret",
}


@dataclass(frozen=True)
class ForeignKey:
    name: str
    table: str
    columns: tuple[str, ...]
    target: str
    target_columns: tuple[str, ...]


def tables(cursor) -> dict[str, bool | None]:
    """{table: True if organization_id is NOT NULL, False if nullable, None if absent}."""
    cursor.execute(
        """
        SELECT c.relname, a.attnotnull
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organization_id'
            AND NOT a.attisdropped
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
        """
    )
    return dict(cursor.fetchall())


def foreign_keys(cursor) -> list[ForeignKey]:
    cursor.execute(
        """
        SELECT con.conname, src.relname,
               ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n
                     ORDER BY k.i),
               dst.relname,
               ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
                     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n
                     ORDER BY k.i)
        FROM pg_constraint con
        JOIN pg_class src ON src.oid = con.conrelid
        JOIN pg_class dst ON dst.oid = con.confrelid
        JOIN pg_namespace n ON n.oid = src.relnamespace
        WHERE con.contype = 'f' AND n.nspname = current_schema()
        ORDER BY src.relname, con.conname
        """
    )
    return [
        ForeignKey(name, table, tuple(cols), target, tuple(target_cols))
        for name, table, cols, target, target_cols in cursor.fetchall()
    ]


def unique_indexes(cursor) -> list[tuple[str, str, tuple[str, ...]]]:
    """(table, index, columns) of every unique index but the primary keys (an expression's
    columns are not listed: such an index is reported by its name)."""
    cursor.execute(
        """
        SELECT t.relname, i.relname,
               ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(n, i)
                     JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n
                     ORDER BY k.i)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE x.indisunique AND NOT x.indisprimary AND n.nspname = current_schema()
        ORDER BY t.relname, i.relname
        """
    )
    return [(table, index, tuple(cols)) for table, index, cols in cursor.fetchall()]


def _is_tenant(columns: dict[str, bool | None], table: str) -> bool:
    return columns.get(table) is not None


def _covered(fk: ForeignKey, keys: list[ForeignKey]) -> bool:
    """A tenant-to-tenant key is fine when it includes organization_id, or when its composite
    twin exists."""
    if "organization_id" in fk.columns:
        return True
    wanted = ((*fk.columns, "organization_id"), (*fk.target_columns, "organization_id"))
    return any(
        (other.table, other.target) == (fk.table, fk.target)
        and (other.columns, other.target_columns) == wanted
        for other in keys
    )


def problems(cursor) -> list[str]:
    columns = tables(cursor)
    found = []
    for table, notnull in sorted(columns.items()):
        if table in GLOBAL_TABLES or table in LOCAL_TABLES:
            continue
        if notnull is None:
            found.append(f"{table}: no organization_id (nor listed as a global table)")
        elif not notnull:
            found.append(f"{table}: organization_id may be NULL")
    uniques = unique_indexes(cursor)
    have = {(table, cols) for table, _index, cols in uniques}
    for table, index, cols in uniques:
        if not _is_tenant(columns, table) or table in REFERENCE_TENANT_TABLES:
            continue
        if "organization_id" in cols:
            continue
        if (table, cols) in GLOBALLY_UNIQUE and (table, ("organization_id", *cols)) in have:
            continue
        found.append(f"{table}: unique {index} {list(cols)} leaves out organization_id")
    keys = foreign_keys(cursor)
    for fk in keys:
        source_tenant = _is_tenant(columns, fk.table)
        target_tenant = _is_tenant(columns, fk.target) and fk.target not in REFERENCE_TENANT_TABLES
        if source_tenant and target_tenant and not _covered(fk, keys):
            found.append(
                f"{fk.table}: foreign key {fk.name} to {fk.target} without organization_id"
            )
        elif not source_tenant and target_tenant:
            found.append(f"{fk.table}: a global table refers to the tenant table {fk.target}")
        elif source_tenant and fk.target in LOCAL_TABLES:
            found.append(f"{fk.table}: refers to the coordinator-only table {fk.target}")
    return found


def _name(*parts: str) -> str:
    """A constraint name within PostgreSQL's 63 bytes, stable for the same parts."""
    digest = hashlib.sha1("|".join(parts).encode()).hexdigest()[:10]
    return f"{parts[0][:40]}_{digest}_org"


def ensure_tenant_foreign_keys(cursor, quote) -> int:
    """Give every single-column foreign key between tenant tables its composite twin (and the
    target its UNIQUE (id, organization_id)); idempotent. Returns how many keys were added."""
    columns = tables(cursor)
    keys = foreign_keys(cursor)
    uniques = {(table, cols) for table, _index, cols in unique_indexes(cursor)}
    for table, cols in GLOBALLY_UNIQUE:
        twin = ("organization_id", *cols)
        if table in columns and (table, twin) not in uniques:
            cursor.execute(
                f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(_name(table, *twin))} "
                f"UNIQUE ({', '.join(quote(c) for c in twin)})"
            )
            uniques.add((table, twin))
    added = 0
    for fk in keys:
        if not (_is_tenant(columns, fk.table) and _is_tenant(columns, fk.target)):
            continue
        if _covered(fk, keys):
            continue
        target_cols = (*fk.target_columns, "organization_id")
        if (fk.target, target_cols) not in uniques:
            cursor.execute(
                f"ALTER TABLE {quote(fk.target)} ADD CONSTRAINT "
                f"{quote(_name(fk.target, *target_cols))} UNIQUE "
                f"({', '.join(quote(c) for c in target_cols)})"
            )
            uniques.add((fk.target, target_cols))
        source_cols = (*fk.columns, "organization_id")
        cursor.execute(
            f"ALTER TABLE {quote(fk.table)} ADD CONSTRAINT {quote(_name(fk.table, fk.name))} "
            f"FOREIGN KEY ({', '.join(quote(c) for c in source_cols)}) "
            f"REFERENCES {quote(fk.target)} ({', '.join(quote(c) for c in target_cols)}) "
            "DEFERRABLE INITIALLY DEFERRED"
        )
        added += 1
    return added
