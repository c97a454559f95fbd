"""The search's columns and indexes on inquiries, properties and containers (PostgreSQL only).

Inquiries get a trigger-kept `search_vector` like cases (cases/migrations/0013_search.py, which
created the extensions, the text search configurations and `saksflyt_search_config`).
Customers, properties and containers are matched by trigrams (names and numbers: "Storgata 1",
"B-1042") on the same expressions the search compares, UPPER(...). Properties and containers
get GIN indexes that lead with the organization (btree_gin); customers already have GIN
trigram indexes on name, e-mail and phone (customers/migrations/0003_*), which the search
shares rather than adding more to every customer write.
"""

from django.db import migrations

INQUIRY_VECTOR = """
    setweight(to_tsvector({cfg}, coalesce({r}.subject, '')), 'A')
    || setweight(to_tsvector({cfg}, coalesce({r}.message, '')), 'B')
    || setweight(to_tsvector('saksflyt_simple', coalesce({r}.sender_name, '') || ' '
        || coalesce({r}.sender_email, '') || ' ' || coalesce({r}.sender_phone, '') || ' '
        || coalesce({r}.external_reference, '')), 'A')
"""

TRIGRAM_INDEXES = {
    "search_property_address_trgm": ("properties_property", "UPPER(address::text)"),
    "search_property_name_trgm": ("properties_property", "UPPER(name::text)"),
    "search_property_number_trgm": ("properties_property", "UPPER(property_number::text)"),
    "search_container_id_trgm": ("properties_container", "UPPER(container_id::text)"),
}


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    new = INQUIRY_VECTOR.format(r="NEW", cfg="cfg")
    backfill = INQUIRY_VECTOR.format(r="t", cfg="o.cfg")
    statements = [
        "SET LOCAL app.all_organizations = 'on'",
        "ALTER TABLE inquiries_inquiry ADD COLUMN IF NOT EXISTS search_vector tsvector",
        f"""CREATE OR REPLACE FUNCTION inquiries_inquiry_search_vector() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE cfg regconfig := coalesce(
            saksflyt_search_config(NEW.organization_id), 'saksflyt_simple');
        BEGIN
            NEW.search_vector := {new};
            RETURN NEW;
        END $$""",
        "DROP TRIGGER IF EXISTS inquiries_inquiry_search ON inquiries_inquiry",
        "CREATE TRIGGER inquiries_inquiry_search BEFORE INSERT OR UPDATE OF organization_id,"
        " subject, message, sender_name, sender_email, sender_phone, external_reference"
        " ON inquiries_inquiry FOR EACH ROW EXECUTE FUNCTION inquiries_inquiry_search_vector()",
        f"UPDATE inquiries_inquiry t SET search_vector = {backfill}"
        " FROM (SELECT id, saksflyt_search_config(id) AS cfg FROM organizations_organization) o"
        " WHERE o.id = t.organization_id",
        "CREATE INDEX IF NOT EXISTS inquiries_inquiry_search_idx ON inquiries_inquiry"
        " USING gin (organization_id, search_vector)",
        "ANALYZE inquiries_inquiry",
    ]
    for name, (table, expression) in TRIGRAM_INDEXES.items():
        statements.append(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table}"
            f" USING gin (organization_id, ({expression}) gin_trgm_ops)"
        )
    for table in ("properties_property", "properties_container"):
        statements.append(f"ANALYZE {table}")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def drop(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in TRIGRAM_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute("DROP TRIGGER IF EXISTS inquiries_inquiry_search ON inquiries_inquiry")
        cursor.execute("DROP FUNCTION IF EXISTS inquiries_inquiry_search_vector()")
        cursor.execute("ALTER TABLE inquiries_inquiry DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_search"),
        ("inquiries", "0008_intake_rule_links_with_organization"),
        ("customers", "0005_supplier_users_with_organization"),
        ("properties", "0003_container_id_organization_unique"),
    ]

    operations = [migrations.RunPython(create, drop)]
