"""Supplier and contact-role services."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers import services
from customers.models import ContactRole, Supplier
from tests.factories.customers import ContactRoleFactory, CustomerFactory, SupplierFactory
from tests.factories.organizations import MembershipFactory, UserFactory
from tests.factories.properties import PropertyFactory

TODAY = timezone.localdate


# --- Suppliers ----------------------------------------------------------------------------


def test_supplier_create_links_supplier_role_members(tenant):
    supplier = services.supplier_create(
        org=tenant.org,
        actor=tenant.admin,
        name="Rørlegger Hansen AS",
        email="Post@Rorlegger.Example",
        users=[tenant.supplier],
    )

    assert supplier.email == "post@rorlegger.example"
    assert list(supplier.users.all()) == [tenant.supplier]


def test_supplier_names_are_unique_per_organization_whatever_the_case(tenant):
    SupplierFactory(organization=tenant.org, name="Elektro Nord AS")

    with pytest.raises(ValidationError) as exc:
        services.supplier_create(org=tenant.org, actor=tenant.admin, name="elektro nord as")

    assert exc.value.message_dict["name"] == ["A supplier with this name already exists."]


def test_the_same_supplier_name_is_allowed_in_another_organization(tenant, other_tenant):
    SupplierFactory(organization=other_tenant.org, name="Elektro Nord AS")

    services.supplier_create(org=tenant.org, actor=tenant.admin, name="Elektro Nord AS")

    assert Supplier.objects.filter(name="Elektro Nord AS").count() == 2


def test_a_supplier_needs_a_name(tenant):
    with pytest.raises(ValidationError) as exc:
        services.supplier_create(org=tenant.org, actor=tenant.admin, name=" ")

    assert "name" in exc.value.message_dict


@pytest.mark.parametrize("who", ["caseworker", "outsider", "inactive_supplier"])
def test_only_active_supplier_role_members_can_be_linked(tenant, other_tenant, who):
    if who == "caseworker":
        user = tenant.caseworker
    elif who == "outsider":
        user = other_tenant.supplier
    else:
        user = UserFactory(email="gone@example.com")
        MembershipFactory(organization=tenant.org, user=user, role="supplier", is_active=False)

    with pytest.raises(ValidationError) as exc:
        services.supplier_create(org=tenant.org, actor=tenant.admin, name="X AS", users=[user])

    assert "users" in exc.value.message_dict
    assert not Supplier.objects.filter(organization=tenant.org).exists()


def test_supplier_update_keeps_users_unless_given(tenant):
    supplier = SupplierFactory(organization=tenant.org, name="Old AS")
    supplier.users.add(tenant.supplier)

    services.supplier_update(
        org=tenant.org, actor=tenant.caseworker, supplier=supplier, name="New AS", trade="VVS"
    )
    supplier.refresh_from_db()
    assert (supplier.name, supplier.trade) == ("New AS", "VVS")
    assert list(supplier.users.all()) == [tenant.supplier]

    services.supplier_update(org=tenant.org, actor=tenant.admin, supplier=supplier, users=[])
    assert not supplier.users.exists()


def test_supplier_may_keep_its_own_name_on_update(tenant):
    supplier = SupplierFactory(organization=tenant.org, name="Elektro Nord AS")

    services.supplier_update(
        org=tenant.org, actor=tenant.admin, supplier=supplier, name="Elektro Nord AS"
    )


# --- Contact roles ------------------------------------------------------------------------


@pytest.fixture
def customer(tenant):
    return CustomerFactory(organization=tenant.org, name="Ingrid Solberg")


@pytest.fixture
def home(tenant):
    return PropertyFactory(organization=tenant.org, address="Solsidevegen 4A, H0101")


def test_contact_role_add_links_a_customer_to_a_property(tenant, customer, home):
    role = services.contact_role_add(
        org=tenant.org,
        actor=tenant.caseworker,
        customer=customer,
        property=home,
        role="co_owner",
        start_date=datetime.date(2025, 6, 15),
    )

    assert (role.organization, role.customer, role.property) == (tenant.org, customer, home)
    assert role.role == "co_owner"


def test_contact_role_period_must_not_end_before_it_starts(tenant, customer, home):
    with pytest.raises(ValidationError) as exc:
        services.contact_role_add(
            org=tenant.org,
            actor=tenant.caseworker,
            customer=customer,
            property=home,
            start_date=datetime.date(2025, 6, 15),
            end_date=datetime.date(2025, 6, 14),
        )

    assert "end_date" in exc.value.message_dict


def test_the_same_role_twice_is_refused_with_a_clear_message(tenant, customer, home):
    ContactRoleFactory(customer=customer, property=home, role="owner")

    with pytest.raises(ValidationError) as exc:
        services.contact_role_add(
            org=tenant.org, actor=tenant.caseworker, customer=customer, property=home
        )

    assert exc.value.message_dict["role"] == [
        "Ingrid Solberg already has this role for this property."
    ]


def test_an_ended_role_is_pointed_out_instead_of_duplicated(tenant, customer, home):
    ContactRoleFactory(customer=customer, property=home, end_date=datetime.date(2024, 5, 1))

    with pytest.raises(ValidationError) as exc:
        services.contact_role_add(
            org=tenant.org, actor=tenant.caseworker, customer=customer, property=home
        )

    assert "until 2024-05-01" in exc.value.message_dict["role"][0]


def test_contact_role_add_refuses_a_property_of_another_organization(
    tenant, other_tenant, customer
):
    foreign = PropertyFactory(organization=other_tenant.org)

    with pytest.raises(ValidationError) as exc:
        services.contact_role_add(
            org=tenant.org, actor=tenant.caseworker, customer=customer, property=foreign
        )

    assert "property" in exc.value.message_dict
    assert not ContactRole.objects.exists()


def test_contact_role_update_changes_role_and_period(tenant, customer, home):
    role = ContactRoleFactory(customer=customer, property=home, role="owner")

    services.contact_role_update(
        org=tenant.org,
        actor=tenant.caseworker,
        contact_role=role,
        role="resident",
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    )

    role.refresh_from_db()
    assert (role.role, role.start_date, role.end_date) == (
        "resident",
        datetime.date(2020, 1, 1),
        datetime.date(2021, 1, 1),
    )


def test_contact_role_update_refuses_a_role_that_exists_already(tenant, customer, home):
    ContactRoleFactory(customer=customer, property=home, role="owner")
    resident = ContactRoleFactory(customer=customer, property=home, role="resident")

    with pytest.raises(ValidationError):
        services.contact_role_update(
            org=tenant.org,
            actor=tenant.caseworker,
            contact_role=resident,
            role="owner",
            start_date=None,
            end_date=None,
        )


def test_unlinking_ends_the_role_today_and_keeps_it(tenant, customer, home):
    role = ContactRoleFactory(
        customer=customer, property=home, start_date=datetime.date(2020, 1, 1)
    )

    kept = services.contact_role_end(org=tenant.org, actor=tenant.caseworker, contact_role=role)

    role.refresh_from_db()
    assert kept == role
    assert role.end_date == TODAY()


def test_unlinking_a_role_that_has_not_started_deletes_it(tenant, customer, home):
    role = ContactRoleFactory(
        customer=customer, property=home, start_date=TODAY() + datetime.timedelta(days=30)
    )

    kept = services.contact_role_end(org=tenant.org, actor=tenant.caseworker, contact_role=role)

    assert kept is None
    assert not ContactRole.objects.filter(pk=role.pk).exists()


def test_unlinking_an_ended_role_is_refused(tenant, customer, home):
    role = ContactRoleFactory(customer=customer, property=home, end_date=datetime.date(2024, 1, 1))

    with pytest.raises(ValidationError):
        services.contact_role_end(org=tenant.org, actor=tenant.caseworker, contact_role=role)

    role.refresh_from_db()
    assert role.end_date == datetime.date(2024, 1, 1)


def test_unlinking_a_role_that_ends_later_ends_it_today(tenant, customer, home):
    role = ContactRoleFactory(
        customer=customer, property=home, end_date=TODAY() + datetime.timedelta(days=90)
    )

    services.contact_role_end(org=tenant.org, actor=tenant.caseworker, contact_role=role)

    role.refresh_from_db()
    assert role.end_date == TODAY()
