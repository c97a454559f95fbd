"""UNIQUE (id, organization_id) on containers (PostgreSQL), so a case's container links can
name the container together with their organization (issue 10, organizations/links.py)."""

from django.db import migrations

from organizations.links import tenant_uniques


class Migration(migrations.Migration):
    dependencies = [
        ("properties", "0002_case_insensitive_address_and_number_indexes"),
    ]

    operations = [tenant_uniques("properties_container")]
