"""The second wall: PostgreSQL row-level security under the application's checks, and the
ORM's scoped managers above it (organizations/tenancy.py, organizations/rls.py).

The catalog is read as the schema owner; everything else runs on the application's own
connection, the role the product uses in production."""

from __future__ import annotations

import pytest
from django.db import connection, connections, transaction
from django.db.utils import ProgrammingError

from customers.models import Customer
from organizations import rls, tenancy
from tests.factories.customers import CustomerFactory
from tests.markers import postgresql_only

pytestmark = [pytest.mark.django_db(databases=["default", "owner"]), postgresql_only("RLS")]


def _catalog(sql: str, params=()) -> list[tuple]:
    with connections["owner"].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _tenant_tables() -> list[str]:
    with connections["owner"].cursor() as cursor:
        return rls.tenant_tables(cursor)


def test_every_table_with_an_organization_is_under_a_forced_policy():
    tables = _tenant_tables()
    assert len(tables) > 30  # every app's tenant tables, the link tables too
    assert "cases_case" in tables and "customers_customer" in tables
    rows = _catalog(
        """
        SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
               EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = %s)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relname = ANY(%s)
        """,
        [rls.POLICY, tables],
    )
    unprotected = [name for name, enabled, forced, policy in rows if not (enabled and forced)]
    without_policy = [name for name, _e, _f, policy in rows if not policy]
    assert unprotected == [] and without_policy == []
    assert len(rows) == len(tables)


def test_the_application_role_is_neither_superuser_owner_nor_bypassrls():
    role = connection.settings_dict["USER"]
    assert role != connections["owner"].settings_dict["USER"]
    ((superuser, bypass),) = _catalog(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role]
    )
    assert not superuser and not bypass
    owned = _catalog(
        "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
        " WHERE r.rolname = %s",
        [role],
    )
    assert owned == [(0,)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (role,)


def _raw_count(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_with_no_organization_set_a_tenant_table_returns_no_rows(tenant, other_tenant):
    CustomerFactory(organization=tenant.org)
    CustomerFactory(organization=other_tenant.org)
    assert _raw_count("SELECT count(*) FROM customers_customer") == 2  # all organizations
    with tenancy.no_scope():
        assert _raw_count("SELECT count(*) FROM customers_customer") == 0
        with pytest.raises(tenancy.ScopeError):
            list(Customer.objects.all())


def test_an_organization_sees_its_own_rows_only_even_through_raw_sql(tenant, other_tenant):
    mine = CustomerFactory(organization=tenant.org)
    theirs = CustomerFactory(organization=other_tenant.org)
    with tenancy.organization_scope(tenant.org):
        assert _raw_count("SELECT count(*) FROM customers_customer") == 1
        assert _raw_count("SELECT count(*) FROM customers_customer WHERE id = %s", [theirs.pk]) == 0
        # The ORM adds the organization even when the code forgot it.
        assert list(Customer.objects.all()) == [mine]
        assert not Customer.objects.filter(pk=theirs.pk).exists()
        updated = _raw_update("UPDATE customers_customer SET name = 'x' WHERE id = %s", theirs.pk)
        assert updated == 0
    theirs.refresh_from_db()
    assert theirs.name != "x"


def _raw_update(sql: str, pk: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return cursor.rowcount


def test_an_insert_for_another_organization_is_refused_by_the_database(tenant, other_tenant):
    with tenancy.organization_scope(tenant.org):
        refused = pytest.raises(ProgrammingError, match="row-level security")
        with refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO cases_tag (organization_id, name) VALUES (%s, 'x')",
                [other_tenant.org.pk],
            )
        # Moving one's own row into another organization is refused too.
        refused = pytest.raises(ProgrammingError, match="row-level security")
        with refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE organizations_membership SET organization_id = %s"
                " WHERE organization_id = %s",
                [other_tenant.org.pk, tenant.org.pk],
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO cases_tag (organization_id, name) VALUES (%s, 'mine')",
                [tenant.org.pk],
            )


def test_a_scope_change_inside_one_transaction_reaches_the_database(tenant, other_tenant):
    CustomerFactory(organization=tenant.org)
    CustomerFactory(organization=other_tenant.org, name="B")
    with tenancy.organization_scope(tenant.org):
        assert _raw_count("SELECT count(*) FROM customers_customer WHERE name = 'B'") == 0
        with tenancy.organization_scope(other_tenant.org):
            assert _raw_count("SELECT count(*) FROM customers_customer WHERE name = 'B'") == 1
        assert _raw_count("SELECT count(*) FROM customers_customer WHERE name = 'B'") == 0


def test_a_rolled_back_savepoint_does_not_leave_the_setting_behind(tenant, other_tenant):
    """The setting made inside a savepoint that rolls back is gone; the next statement sends it
    again rather than trusting what it sent before."""
    CustomerFactory(organization=tenant.org)
    with tenancy.organization_scope(tenant.org):
        try:
            with transaction.atomic():
                assert _raw_count("SELECT count(*) FROM customers_customer") == 1
                raise RuntimeError
        except RuntimeError:
            pass
        assert _raw_count("SELECT count(*) FROM customers_customer") == 1


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
def test_outside_a_transaction_each_statement_gets_its_own_setting(tenant, other_tenant):
    """Autocommit statements (tasks, streamed responses) run in a transaction of their own
    carrying the setting, which therefore never outlives them."""
    CustomerFactory(organization=tenant.org)
    CustomerFactory(organization=other_tenant.org)
    assert connection.get_autocommit()
    with tenancy.organization_scope(other_tenant.org):
        assert _raw_count("SELECT count(*) FROM customers_customer") == 1
    with tenancy.no_scope():
        assert _raw_count("SELECT count(*) FROM customers_customer") == 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('app.organization_id', true)")
            assert cursor.fetchone()[0] in (None, "")


def test_every_model_with_an_organization_has_the_scoped_manager_by_default():
    """A new tenant model cannot forget the scoping: its default manager must be TenantManager
    (and no M2M may hide an automatic link table without an organization)."""
    from django.apps import apps

    from organizations.models import Organization

    unscoped, hidden_links = [], []
    for model in apps.get_models(include_auto_created=True):
        field = next((f for f in model._meta.concrete_fields if f.name == "organization"), None)
        if field is not None and field.related_model is Organization:
            if not hasattr(model._default_manager, "with_scopes_disabled"):
                unscoped.append(model._meta.label)
        elif model._meta.auto_created and model._meta.db_table not in (
            "organizations_user_groups",
            "organizations_user_user_permissions",
            "auth_group_permissions",
        ):
            hidden_links.append(model._meta.db_table)
    assert unscoped == []
    assert hidden_links == []
