"""Trigram indexes for the customer search (customers.selectors.customer_search), PostgreSQL only.

The search matches every word anywhere in name, e-mail, address, city, contact person, postcode
and phone/organization numbers without spaces (`icontains`, i.e. UPPER(...) LIKE '%word%'),
which a B-tree cannot serve: at 50,000 customers a search read the whole table (~100 ms). GIN
trigram indexes on exactly those expressions make it a few milliseconds.

pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it. Where it
cannot be created, the migration says so and leaves the indexes out; search still works, slower.
"""

from django.db import migrations

INDEXES = {
    "customer_name_trgm": "UPPER(name::text)",
    "customer_email_trgm": "UPPER(email::text)",
    "customer_address_trgm": "UPPER(address::text)",
    "customer_city_trgm": "UPPER(city::text)",
    "customer_contact_trgm": "UPPER(contact_person::text)",
    "customer_postcode_trgm": "(postcode::text)",
    "customer_phone_trgm": "(REPLACE(phone, ' ', '')::text)",
    "customer_org_number_trgm": "(REPLACE(org_number, ' ', '')::text)",
}


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as exc:  # noqa: BLE001 - any refusal: go on without the indexes
            cursor.execute("ROLLBACK TO SAVEPOINT trgm")
            print(f"\n  pg_trgm is not available ({exc}); customer search stays unindexed.")
            return
        cursor.execute("RELEASE SAVEPOINT trgm")
        for name, expression in INDEXES.items():
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON customers_customer"
                f" USING gin ({expression} gin_trgm_ops)"
            )
        # Statistics of the indexed expressions, or the planner cannot tell a word every
        # customer has ("Kunde") from a rare one and may pick the wrong index.
        cursor.execute("ANALYZE customers_customer")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_customer_links_and_contact_roles")]

    operations = [migrations.RunPython(create, drop)]
