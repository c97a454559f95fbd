"""The schema is ready to be sharded by organization (Citus): every tenant table has a NOT NULL
organization_id, every unique constraint and every foreign key between tenant tables includes
it, and `manage.py citus_ddl` prints the statements in an order Citus accepts."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, models, transaction
from django.test.utils import isolate_apps

from organizations import sharding
from organizations.models import Organization
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory
from tests.markers import postgresql_only

pytestmark = [
    pytest.mark.django_db(databases=["default", "owner"]),
    postgresql_only("reads PostgreSQL's catalog"),
]


def _problems() -> list[str]:
    with connections["owner"].cursor() as cursor:
        return sharding.problems(cursor)


def test_the_migrated_schema_is_ready_to_be_sharded():
    assert _problems() == []
    with connections["owner"].cursor() as cursor:
        columns = sharding.tables(cursor)
        keys = sharding.foreign_keys(cursor)
    tenant = {t for t, notnull in columns.items() if notnull}
    # The link tables are through models with an organization too.
    assert {"cases_case_teams", "cases_case_tags", "organizations_team_members"} <= tenant
    # Each key between tenant tables has a twin that includes the organization.
    twins = [fk for fk in keys if fk.table in tenant and fk.target in tenant]
    assert twins and all(
        sharding._covered(fk, keys) for fk in twins if "organization_id" not in fk.columns
    )


@isolate_apps("organizations")
def test_a_table_without_organization_id_is_reported():
    class Scratch(models.Model):  # noqa: DJ008 - a throwaway table
        name = models.CharField(max_length=10)

        class Meta:
            app_label = "organizations"
            db_table = "scratch_without_org"

    with connections["owner"].schema_editor() as editor:
        editor.create_model(Scratch)
    assert _problems() == ["scratch_without_org: no organization_id (nor listed as a global table)"]


@isolate_apps("organizations")
def test_a_unique_constraint_without_organization_id_is_reported():
    class Scratch(models.Model):  # noqa: DJ008 - a throwaway table
        organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
        code = models.CharField(max_length=10, unique=True)
        number = models.IntegerField()

        class Meta:
            app_label = "organizations"
            db_table = "scratch_unique"
            constraints = [
                models.UniqueConstraint(fields=["organization", "number"], name="scratch_ok")
            ]

    with connections["owner"].schema_editor() as editor:
        editor.create_model(Scratch)
    problems = _problems()
    assert len(problems) == 1
    assert problems[0].startswith("scratch_unique: unique ")
    assert "['code'] leaves out organization_id" in problems[0]


@isolate_apps("organizations")
def test_a_key_between_tenant_tables_without_organization_id_is_reported_until_its_twin_exists():
    from cases.models import Case

    class Scratch(models.Model):  # noqa: DJ008 - a throwaway table
        organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
        case = models.ForeignKey(Case, on_delete=models.CASCADE)

        class Meta:
            app_label = "organizations"
            db_table = "scratch_key"

    owner = connections["owner"]
    with owner.schema_editor() as editor:
        editor.create_model(Scratch)
    (problem,) = _problems()
    assert problem.startswith("scratch_key: foreign key ") and "to cases_case" in problem
    with owner.cursor() as cursor:
        assert sharding.ensure_tenant_foreign_keys(cursor, owner.ops.quote_name) == 1
    assert _problems() == []


def test_the_twin_keys_refuse_a_row_pointing_into_another_organization(tenant, other_tenant):
    """The composite keys are also the database refusing a cross-organization reference."""
    case = make_case(tenant.org, tenant.caseworker)
    foreign = CustomerFactory(organization=other_tenant.org)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "UPDATE cases_case SET customer_id = %s WHERE id = %s", [foreign.pk, case.pk]
        )


def test_citus_ddl_distributes_every_tenant_table_after_what_it_refers_to():
    out = io.StringIO()
    call_command("citus_ddl", stdout=out)
    lines = out.getvalue().splitlines()
    with connections["owner"].cursor() as cursor:
        columns = sharding.tables(cursor)
        keys = sharding.foreign_keys(cursor)
    distributed = [
        line.split("'")[1] for line in lines if line.startswith("SELECT create_distributed_table")
    ]
    reference = [
        line.split("'")[1] for line in lines if line.startswith("SELECT create_reference_table")
    ]
    tenant = {
        t for t, notnull in columns.items() if notnull and t not in sharding.REFERENCE_TENANT_TABLES
    }
    assert set(distributed) == tenant and len(distributed) == len(tenant)
    assert {"organizations_organization", "organizations_user"} <= set(reference)
    assert "notifications_receivingaddress" in reference
    position = {table: n for n, table in enumerate(distributed)}
    for fk in keys:
        if fk.table in position and fk.target in position and fk.table != fk.target:
            assert position[fk.target] < position[fk.table], fk
    # Every distributed table but the first is co-located with the first.
    colocated = [line for line in lines if "create_distributed_table(" in line]
    assert all("colocate_with => 'organizations_membership'" in line for line in colocated[1:])
    assert lines[-1] == "COMMIT;"
