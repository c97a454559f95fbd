"""Who may use the customer pages: staff of the organization only.

An outsider (a member of another organization) gets 404 on every URL, also for ids that exist;
a supplier-role member of the organization gets 403; lookups never show another organization's
rows.
"""

from __future__ import annotations

import pytest

from customers.models import ContactRole, Customer, Supplier
from tests.factories.customers import ContactRoleFactory, CustomerFactory, SupplierFactory
from tests.factories.properties import PropertyFactory


@pytest.fixture
def objects(tenant):
    customer = CustomerFactory(organization=tenant.org, name="Ingrid Solberg")
    supplier = SupplierFactory(organization=tenant.org, name="Rørlegger Hansen AS")
    role = ContactRoleFactory(customer=customer)
    return {"customer": customer, "supplier": supplier, "role": role}


def _urls(tenant, objects) -> list[str]:
    base = f"/{tenant.org.slug}/customers/"
    c, s, r = objects["customer"].pk, objects["supplier"].pk, objects["role"].pk
    return [
        base,
        f"{base}new/",
        f"{base}{c}/",
        f"{base}{c}/edit/",
        f"{base}autocomplete/?q=Ingrid",
        f"{base}options/?q=Ingrid",
        f"{base}roles/new/?customer={c}",
        f"{base}roles/{r}/edit/",
        f"{base}roles/{r}/end/",
        f"{base}suppliers/",
        f"{base}suppliers/new/",
        f"{base}suppliers/{s}/",
        f"{base}suppliers/{s}/edit/",
    ]


def _writes(tenant, objects) -> list[tuple[str, dict]]:
    base = f"/{tenant.org.slug}/customers/"
    c, s, r = objects["customer"], objects["supplier"], objects["role"]
    return [
        (f"{base}new/", {"customer_type": "person", "kind": "regular", "name": "Spy"}),
        (f"{base}{c.pk}/edit/", {"customer_type": "person", "kind": "regular", "name": "Spy"}),
        (
            f"{base}roles/new/",
            {
                "anchor": "customer",
                "role-customer": c.pk,
                "role-property": r.property_id,
                "role-role": "resident",
            },
        ),
        (
            f"{base}roles/{r.pk}/edit/",
            {f"role{r.pk}-role": "resident", "anchor": "customer"},
        ),
        (f"{base}roles/{r.pk}/end/", {"anchor": "customer"}),
        (f"{base}suppliers/new/", {"name": "Spy AS"}),
        (f"{base}suppliers/{s.pk}/edit/", {"name": "Spy AS"}),
    ]


def _assert_nothing_changed(objects) -> None:
    assert not Customer.objects.filter(name="Spy").exists()
    assert not Supplier.objects.filter(name="Spy AS").exists()
    role = ContactRole.objects.get(pk=objects["role"].pk)
    assert (role.role, role.end_date) == ("owner", None)
    assert ContactRole.objects.count() == 1
    assert Customer.objects.get(pk=objects["customer"].pk).name == "Ingrid Solberg"


def test_outsider_gets_404_on_every_customer_supplier_and_role_url(
    tenant, objects, outsider_client
):
    for url in _urls(tenant, objects):
        assert outsider_client.get(url).status_code == 404, url
        assert outsider_client.post(url).status_code == 404, url


def test_outsider_gets_404_for_every_write_and_changes_nothing(tenant, objects, outsider_client):
    for url, data in _writes(tenant, objects):
        assert outsider_client.post(url, data).status_code == 404, url
        assert outsider_client.post(url, data, HTTP_HX_REQUEST="true").status_code == 404, url

    _assert_nothing_changed(objects)


def test_supplier_user_gets_403_on_every_customer_page(tenant, objects):
    client = tenant.client_for(tenant.supplier)

    for url in _urls(tenant, objects):
        assert client.get(url).status_code == 403, url
    for url, data in _writes(tenant, objects):
        assert client.post(url, data).status_code == 403, url

    _assert_nothing_changed(objects)


def test_anonymous_user_is_sent_to_sign_in(tenant, objects, client):
    for url in _urls(tenant, objects):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_staff_get_404_for_another_organizations_ids_through_their_own_prefix(
    tenant, other_tenant, staff_client
):
    foreign = {
        "customer": CustomerFactory(organization=other_tenant.org),
        "supplier": SupplierFactory(organization=other_tenant.org),
        "role": ContactRoleFactory(customer=CustomerFactory(organization=other_tenant.org)),
    }
    base = f"/{tenant.org.slug}/customers/"
    c, s, r = (foreign[k].pk for k in ("customer", "supplier", "role"))

    for url in (
        f"{base}{c}/",
        f"{base}{c}/edit/",
        f"{base}roles/new/?customer={c}",
        f"{base}roles/{r}/edit/",
        f"{base}suppliers/{s}/",
        f"{base}suppliers/{s}/edit/",
    ):
        assert staff_client.get(url).status_code == 404, url
    assert staff_client.post(f"{base}roles/{r}/end/").status_code == 404
    assert staff_client.post(f"{base}suppliers/{s}/edit/", {"name": "Mine"}).status_code == 404


def test_autocomplete_and_options_never_show_another_organizations_customers(
    tenant, other_tenant, staff_client
):
    own = CustomerFactory(organization=tenant.org, name="Ingrid Solberg")
    CustomerFactory(organization=other_tenant.org, name="Ingrid Beta", email="beta@example.net")
    base = f"/{tenant.org.slug}/customers/"

    rows = staff_client.get(f"{base}autocomplete/", {"q": "Ingrid"}).json()
    options = staff_client.get(f"{base}options/", {"q": "Ingrid"}).content.decode()

    assert [row["id"] for row in rows] == [own.pk]
    assert "Ingrid Beta" not in options
    # The one match is picked at once, so typing a name is enough.
    assert f'<option value="{own.pk}" selected>Ingrid Solberg' in options


def test_autocomplete_answers_json_with_the_contact_fields(tenant, staff_client):
    CustomerFactory(
        organization=tenant.org,
        name="Nora Bakken",
        email="nora@epost.example",
        phone="+47 913 22 118",
        address="Solsidevegen 4A",
        postcode="7014",
        city="Trondheim",
    )

    response = staff_client.get(f"/{tenant.org.slug}/customers/autocomplete/", {"q": "nora"})

    assert response["Content-Type"] == "application/json"
    (row,) = response.json()
    assert set(row) == {"id", "name", "email", "phone", "address"}
    assert row["address"] == "Solsidevegen 4A, 7014 Trondheim"


def test_contact_role_add_refuses_a_property_from_the_prefix_of_another_org(
    tenant, other_tenant, staff_client
):
    """The fixed side comes from the form; an id of another organization is a 404."""
    foreign_property = PropertyFactory(organization=other_tenant.org)

    response = staff_client.get(
        f"/{tenant.org.slug}/customers/roles/new/", {"property": foreign_property.pk}
    )

    assert response.status_code == 404
