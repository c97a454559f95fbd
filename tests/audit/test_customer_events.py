"""customers.services: every write records its event with old and new values."""

from __future__ import annotations

import datetime

import pytest

from customers import services
from customers.models import ContactRole
from tests.audit.support import events_of, last_event
from tests.factories.customers import CustomerFactory, SupplierFactory
from tests.factories.organizations import MembershipFactory, UserFactory
from tests.factories.properties import PropertyFactory

pytestmark = pytest.mark.django_db


def test_customer_create_and_update_record_who_and_old_and_new(tenant):
    customer = services.customer_create(
        org=tenant.org, actor=tenant.caseworker, name="Kari Nordmann", phone="+47 900 00 000"
    )
    created = last_event(customer, "created")
    assert created.module == "customers"
    assert created.actor == tenant.caseworker
    assert created.changes["name"] == ["", "Kari Nordmann"]
    assert created.changes["customer_type"] == ["", "Person"]  # a choice by its label

    services.customer_update(
        org=tenant.org, actor=tenant.admin, customer=customer, name="Kari Hansen", phone=""
    )
    changed = last_event(customer, "changed")
    assert changed.actor == tenant.admin
    assert changed.object_label == "Kari Hansen"
    assert changed.changes == {
        "name": ["Kari Nordmann", "Kari Hansen"],
        "phone": ["+47 900 00 000", ""],
    }


def test_saving_without_a_change_records_nothing(tenant):
    customer = CustomerFactory(organization=tenant.org, name="Ola")
    services.customer_update(org=tenant.org, actor=tenant.admin, customer=customer, name="Ola")
    assert events_of(customer) == []


def test_a_refused_change_records_nothing(tenant):
    customer = CustomerFactory(organization=tenant.org, name="Ola")
    with pytest.raises(Exception):  # noqa: B017, PT011 - any refusal
        services.customer_update(org=tenant.org, actor=tenant.admin, customer=customer, name="")
    assert events_of(customer) == []


def test_supplier_create_and_update_including_its_users(tenant):
    worker = UserFactory(full_name="Pål Rørlegger")
    MembershipFactory(organization=tenant.org, user=worker, role="supplier")
    supplier = services.supplier_create(
        org=tenant.org, actor=tenant.admin, name="Rør AS", trade="Plumbing"
    )
    assert last_event(supplier, "created").changes["name"] == ["", "Rør AS"]

    services.supplier_update(
        org=tenant.org, actor=tenant.admin, supplier=supplier, users=[worker], is_active=False
    )
    changes = last_event(supplier, "changed").changes
    assert changes["users"] == ["", "Pål Rørlegger"]
    assert changes["is_active"] == ["Yes", "No"]


def test_contact_roles_are_recorded_on_the_customer_and_the_property(tenant):
    customer = CustomerFactory(organization=tenant.org, name="Kari")
    prop = PropertyFactory(organization=tenant.org, address="Storgata 1", name="")
    role = services.contact_role_add(
        org=tenant.org, actor=tenant.caseworker, customer=customer, property=prop
    )
    on_customer = last_event(customer, "linked")
    on_property = last_event(prop, "linked")
    assert on_customer.module == "customers" and on_property.module == "properties"
    assert on_customer.changes["property"] == ["", str(prop)]
    assert on_property.changes["customer"] == ["", "Kari"]
    assert on_customer.changes["role"] == ["", "Owner"]

    services.contact_role_update(
        org=tenant.org,
        actor=tenant.caseworker,
        contact_role=role,
        role=ContactRole.Role.RESIDENT,
        start_date=None,
        end_date=None,
    )
    assert last_event(customer, "changed").changes["role"] == ["Owner", "Resident / tenant"]

    services.contact_role_end(
        org=tenant.org,
        actor=tenant.caseworker,
        contact_role=role,
        end_date=datetime.date(2026, 3, 1),
    )
    ended = last_event(prop, "unlinked").changes
    assert ended["end_date"] == ["", "2026-03-01"]
    assert ended["customer"] == ["Kari", ""]


def test_other_organizations_objects_are_refused_and_leave_no_event(tenant, other_tenant):
    foreign = SupplierFactory(organization=other_tenant.org)
    with pytest.raises(Exception, match="another organization"):
        services.supplier_update(org=tenant.org, actor=tenant.admin, supplier=foreign, trade="X")
    assert events_of(foreign) == []
