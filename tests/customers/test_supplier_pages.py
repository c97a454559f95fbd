"""Supplier pages: list, page, create and edit; administrators pick the supplier's users."""

from __future__ import annotations

from customers.models import Supplier
from tests.customers.querycount import queries_for_page
from tests.factories.customers import SupplierFactory
from tests.factories.organizations import MembershipFactory, UserFactory


def _url(tenant, path: str = "") -> str:
    return f"/{tenant.org.slug}/customers/suppliers/{path}"


def test_supplier_list_shows_suppliers_with_their_users(tenant, other_tenant, staff_client):
    supplier = SupplierFactory(organization=tenant.org, name="Rørlegger Hansen AS", trade="VVS")
    supplier.users.add(tenant.supplier)
    SupplierFactory(organization=other_tenant.org, name="Beta Transport")

    html = staff_client.get(_url(tenant)).content.decode()

    assert "Rørlegger Hansen AS" in html
    assert "VVS" in html
    assert str(tenant.supplier) in html
    assert "Beta Transport" not in html


def test_supplier_list_searches(tenant, staff_client):
    SupplierFactory(organization=tenant.org, name="Rørlegger Hansen AS")
    SupplierFactory(organization=tenant.org, name="Elektro Nord AS", trade="Elektriker")

    html = staff_client.get(_url(tenant), {"q": "elektriker"}).content.decode()

    assert "Elektro Nord AS" in html
    assert "Rørlegger Hansen AS" not in html


def test_supplier_list_costs_the_same_queries_for_1_and_50_rows(
    tenant, staff_client, django_assert_num_queries
):
    def add(n):
        for supplier in SupplierFactory.create_batch(n, organization=tenant.org):
            supplier.users.add(tenant.supplier)

    add(1)
    one_row = queries_for_page(staff_client, _url(tenant))
    add(49)

    with django_assert_num_queries(one_row):
        response = staff_client.get(_url(tenant))
    assert response.content.decode().count(str(tenant.supplier)) >= 50


def test_supplier_page_shows_details_and_users(tenant, staff_client):
    supplier = SupplierFactory(organization=tenant.org, name="Elektro Nord AS", phone="+47 1")
    supplier.users.add(tenant.supplier)

    html = staff_client.get(_url(tenant, f"{supplier.pk}/")).content.decode()

    assert "Elektro Nord AS" in html
    assert "+47 1" in html
    assert tenant.supplier.email in html
    cases_url = f"/{tenant.org.slug}/cases/?supplier={supplier.pk}"
    assert f'hx-get="{cases_url}&fragment=1" hx-trigger="load"' in html
    assert f'href="{cases_url}"' in html


def test_admin_creates_a_supplier_and_picks_its_users(tenant, admin_client_org):
    response = admin_client_org.post(
        _url(tenant, "new/"),
        {"name": "Vognmand Jensen ApS", "is_active": "on", "users": [tenant.supplier.pk]},
    )

    supplier = Supplier.objects.get(organization=tenant.org)
    assert response.status_code == 302
    assert response["Location"] == _url(tenant, f"{supplier.pk}/")
    assert list(supplier.users.all()) == [tenant.supplier]


def test_admin_user_picker_offers_only_supplier_role_members(
    tenant, other_tenant, admin_client_org
):
    html = admin_client_org.get(_url(tenant, "new/")).content.decode()

    assert f'value="{tenant.supplier.pk}"' in html
    assert f'value="{tenant.caseworker.pk}"' not in html
    assert f'value="{other_tenant.supplier.pk}"' not in html


def test_picking_a_user_outside_the_choices_is_refused_and_input_kept(
    tenant, other_tenant, admin_client_org
):
    response = admin_client_org.post(
        _url(tenant, "new/"),
        {"name": "Vognmand Jensen ApS", "trade": "Kørsel", "users": [other_tenant.supplier.pk]},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Vognmand Jensen ApS"' in html
    assert 'value="Kørsel"' in html
    assert not Supplier.objects.exists()


def test_caseworker_does_not_see_the_user_picker_and_keeps_users_on_edit(tenant, staff_client):
    supplier = SupplierFactory(organization=tenant.org, name="Elektro Nord AS")
    supplier.users.add(tenant.supplier)

    form = staff_client.get(_url(tenant, f"{supplier.pk}/edit/")).content.decode()
    response = staff_client.post(
        _url(tenant, f"{supplier.pk}/edit/"),
        {"name": "Elektro Nord AS", "trade": "Elektriker", "is_active": "on", "users": []},
    )

    assert 'name="users"' not in form
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert supplier.trade == "Elektriker"
    assert list(supplier.users.all()) == [tenant.supplier]


def test_admin_edit_can_deactivate_and_unlink_users(tenant, admin_client_org):
    supplier = SupplierFactory(organization=tenant.org, name="Elektro Nord AS")
    supplier.users.add(tenant.supplier)
    extra = UserFactory(email="montor@example.com")
    MembershipFactory(organization=tenant.org, user=extra, role="supplier")

    admin_client_org.post(
        _url(tenant, f"{supplier.pk}/edit/"), {"name": "Elektro Nord AS", "users": [extra.pk]}
    )

    supplier.refresh_from_db()
    assert not supplier.is_active
    assert list(supplier.users.all()) == [extra]


def test_duplicate_supplier_name_is_shown_next_to_the_name(tenant, admin_client_org):
    SupplierFactory(organization=tenant.org, name="Elektro Nord AS")

    response = admin_client_org.post(_url(tenant, "new/"), {"name": "ELEKTRO NORD AS"})

    html = response.content.decode()
    assert "A supplier with this name already exists." in html
    assert 'value="ELEKTRO NORD AS"' in html
