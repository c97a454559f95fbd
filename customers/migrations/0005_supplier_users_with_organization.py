"""A supplier's users become an explicit link model carrying the organization (issue 10).

The table and its rows stay (`customers_supplier_users`); `organization_id` is filled from each
supplier, made NOT NULL and unique with the link. On PostgreSQL suppliers get
UNIQUE (id, organization_id) and the link composite foreign keys to its supplier and to the
user's membership in that organization (organizations/links.py).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import organizations.links
from organizations.links import MEMBERSHIP, Side, link_keys, link_organization_backfill, tenant_uniques


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0004_customer_anonymised_drop_unused_user"),
        ("organizations", "0007_team_members_with_organization"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SupplierUser",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "supplier",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="customers.supplier",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "customers_supplier_users",
                        "unique_together": {("supplier", "user")},
                    },
                ),
                migrations.AlterField(
                    model_name="supplier",
                    name="users",
                    field=organizations.links.TenantManyToManyField(
                        blank=True,
                        help_text="Members with the supplier role who work for this supplier.",
                        related_name="suppliers",
                        through="customers.SupplierUser",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="users",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="supplieruser",
            name="organization",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
                verbose_name="organization",
            ),
        ),
        link_organization_backfill("customers", "SupplierUser", "supplier"),
        migrations.AlterField(
            model_name="supplieruser",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
                verbose_name="organization",
            ),
        ),
        migrations.AlterUniqueTogether(name="supplieruser", unique_together=set()),
        migrations.AddConstraint(
            model_name="supplieruser",
            constraint=models.UniqueConstraint(
                fields=("supplier", "user", "organization"), name="supplier_user_unique"
            ),
        ),
        tenant_uniques("customers_supplier"),
        link_keys(
            "customers_supplier_users",
            [Side("supplier_id", "customers_supplier"), Side("user_id", MEMBERSHIP)],
        ),
    ]
