"""Full-text search over cases, their notes and their messages (search app), PostgreSQL only.

- Extensions unaccent, pg_trgm and btree_gin (all trusted: the database's owner creates them).
- Text search configurations `saksflyt_nb`, `saksflyt_sv`, `saksflyt_da`, `saksflyt_en` and
  `saksflyt_simple`: the language's Snowball stemmer after `unaccent`, so "Søknad" is found by
  "soknad" and "vinduer" by "vindu". Unaccenting first keeps å/ø/æ/ä/ö vowels (å→a, ø→o, æ→ae),
  so the stemmer's regions and suffixes (all ASCII in Norwegian) work the same on both sides.
- `saksflyt_search_config(organization_id)`: the organization's configuration, from its
  `default_language`.
- A `search_vector` column on cases, notes and case events (messages only), kept by triggers
  from the row's text in its organization's language (no Django field: nothing in Python
  writes it, and rows loaded with COPY get it too), with GIN indexes on
  (organization_id, search_vector) through btree_gin so one organization's matches are read
  from the index. A change of an organization's language re-stems its rows (search/services.py).

The backfill runs across organizations (`app.all_organizations`), as the tables are under
row-level security, FORCE included, for a non-superuser owner.
"""

from django.db import migrations

LANGUAGES = {
    "nb": "norwegian",
    "sv": "swedish",
    "da": "danish",
    "en": "english",
}

CASE_VECTOR = """
    setweight(to_tsvector('saksflyt_simple', {r}.number::text), 'A')
    || setweight(to_tsvector({cfg}, coalesce({r}.title, '')), 'A')
    || setweight(to_tsvector({cfg}, coalesce({r}.description, '')), 'B')
    || setweight(to_tsvector('saksflyt_simple', coalesce({r}.external_reference, '')), 'A')
"""
NOTE_VECTOR = "to_tsvector({cfg}, coalesce({r}.body, ''))"
EVENT_VECTOR = """
    CASE WHEN {r}.kind IN ('message_in', 'message_out') THEN
        setweight(to_tsvector({cfg}, coalesce({r}.data ->> 'subject', '')), 'B')
        || to_tsvector({cfg}, coalesce({r}.data ->> 'text', ''))
    END
"""

TABLES = {
    # table: (vector expression, columns whose change recomputes it, rows with a vector)
    "cases_case": (CASE_VECTOR, "number, title, description, external_reference", ""),
    "cases_note": (NOTE_VECTOR, "body", ""),
    "cases_caseevent": (EVENT_VECTOR, "kind, data", "kind IN ('message_in', 'message_out')"),
}


def _configs_sql() -> list[str]:
    statements = []
    for code, language in [*LANGUAGES.items(), ("simple", "simple")]:
        name = f"saksflyt_{code}"
        statements.append(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
        statements.append(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{language})")
        stem = "simple" if language == "simple" else f"{language}_stem"
        statements.append(
            f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR"
            f" asciiword, asciihword, hword_asciipart, word, hword, hword_part"
            f" WITH unaccent, {stem}"
        )
    cases = " ".join(f"WHEN '{code}' THEN 'saksflyt_{code}'" for code in LANGUAGES)
    statements.append(
        "CREATE OR REPLACE FUNCTION saksflyt_search_config(org bigint) RETURNS regconfig"
        " LANGUAGE sql STABLE AS $$"
        f" SELECT (CASE o.default_language {cases} ELSE 'saksflyt_simple' END)::regconfig"
        " FROM organizations_organization o WHERE o.id = org $$"
    )
    return statements


def _table_sql(table: str) -> list[str]:
    vector, columns, only = TABLES[table]
    new = vector.format(r="NEW", cfg="cfg")
    return [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector",
        f"""CREATE OR REPLACE FUNCTION {table}_search_vector() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE cfg regconfig := coalesce(
            saksflyt_search_config(NEW.organization_id), 'saksflyt_simple');
        BEGIN
            NEW.search_vector := {new};
            RETURN NEW;
        END $$""",
        f"DROP TRIGGER IF EXISTS {table}_search ON {table}",
        f"CREATE TRIGGER {table}_search BEFORE INSERT OR UPDATE OF organization_id, {columns}"
        f" ON {table} FOR EACH ROW"
        + (f" WHEN (NEW.{only})" if only else "")  # other events: no work, no vector
        + f" EXECUTE FUNCTION {table}_search_vector()",
        f"UPDATE {table} t SET search_vector = {vector.format(r='t', cfg='o.cfg')}"
        f" FROM (SELECT id, saksflyt_search_config(id) AS cfg FROM organizations_organization) o"
        f" WHERE o.id = t.organization_id" + (f" AND t.{only}" if only else ""),
        f"CREATE INDEX IF NOT EXISTS {table}_search_idx ON {table}"
        f" USING gin (organization_id, search_vector)"
        + (" WHERE search_vector IS NOT NULL" if only else ""),
        f"ANALYZE {table}",
    ]


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return  # SQLite (make run): the search falls back to icontains
    with connection.cursor() as cursor:
        for extension in ("unaccent", "pg_trgm", "btree_gin"):
            cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")
        cursor.execute("SET LOCAL app.all_organizations = 'on'")
        for statement in _configs_sql():
            cursor.execute(statement)
        for table in TABLES:
            for statement in _table_sql(table):
                cursor.execute(statement)


def drop(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_search ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {table}_search_vector()")
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
        cursor.execute("DROP FUNCTION IF EXISTS saksflyt_search_config(bigint)")
        for code in [*LANGUAGES, "simple"]:
            cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS saksflyt_{code}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_case_merge"),
    ]

    operations = [migrations.RunPython(create, drop)]
