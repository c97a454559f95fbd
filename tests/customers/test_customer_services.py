"""Customer services: validation, normalisation and saving only what changed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers import services
from customers.models import Customer
from tests.factories.customers import CustomerFactory


def _messages(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_customer_create_saves_a_person_with_normalised_email(tenant):
    customer = services.customer_create(
        org=tenant.org,
        actor=tenant.caseworker,
        name="  Ingrid Solberg ",
        email=" Ingrid.Solberg@Example.NO ",
        phone="+47 912 34 501",
    )

    customer.refresh_from_db()
    assert customer.organization == tenant.org
    assert customer.name == "Ingrid Solberg"
    assert customer.email == "ingrid.solberg@example.no"
    assert customer.customer_type == Customer.Type.PERSON


def test_a_person_customer_needs_a_name(tenant):
    with pytest.raises(ValidationError) as exc:
        services.customer_create(org=tenant.org, actor=tenant.caseworker, name="   ")

    assert _messages(exc)["name"] == ["Enter the person's name."]
    assert not Customer.objects.exists()


def test_a_company_customer_needs_a_name_too(tenant):
    with pytest.raises(ValidationError) as exc:
        services.customer_create(
            org=tenant.org, actor=tenant.caseworker, name="", customer_type="company"
        )

    assert _messages(exc)["name"] == ["Enter the company's name."]


def test_company_details_are_refused_for_a_person(tenant):
    with pytest.raises(ValidationError) as exc:
        services.customer_create(
            org=tenant.org,
            actor=tenant.caseworker,
            name="Ola Nordmann",
            org_number="912 345 678",
            contact_person="Kari",
        )

    assert set(_messages(exc)) == {"org_number", "contact_person"}


def test_a_company_keeps_its_org_number_and_contact_person(tenant):
    customer = services.customer_create(
        org=tenant.org,
        actor=tenant.caseworker,
        name="Boligforeningen Søndergården",
        customer_type="company",
        org_number="DK 31 24 56 78",
        contact_person="Karen Holm",
    )

    assert customer.is_company
    assert (customer.org_number, customer.contact_person) == ("DK 31 24 56 78", "Karen Holm")


def test_an_invalid_email_is_refused(tenant):
    with pytest.raises(ValidationError) as exc:
        services.customer_create(
            org=tenant.org, actor=tenant.caseworker, name="Ola", email="not-an-address"
        )

    assert "email" in _messages(exc)


def test_unknown_type_and_kind_are_refused(tenant):
    with pytest.raises(ValidationError) as exc:
        services.customer_create(
            org=tenant.org, actor=tenant.caseworker, name="Ola", customer_type="robot", kind="x"
        )

    assert {"customer_type", "kind"} <= set(_messages(exc))


def test_customer_update_changes_fields_and_normalises_email(tenant):
    customer = CustomerFactory(
        organization=tenant.org, name="Nora Bakken", email="nora@old.example"
    )

    services.customer_update(
        org=tenant.org,
        actor=tenant.caseworker,
        customer=customer,
        email="NORA@New.Example",
        city="Bergen",
    )

    customer.refresh_from_db()
    assert customer.email == "nora@new.example"
    assert customer.city == "Bergen"
    assert customer.name == "Nora Bakken"


def test_switching_a_company_to_a_person_requires_clearing_company_details(tenant):
    customer = CustomerFactory(
        organization=tenant.org, customer_type="company", org_number="925 114 302"
    )

    with pytest.raises(ValidationError) as exc:
        services.customer_update(
            org=tenant.org, actor=tenant.caseworker, customer=customer, customer_type="person"
        )

    assert "org_number" in _messages(exc)
    customer.refresh_from_db()
    assert customer.customer_type == "company"


def test_customer_update_refuses_a_customer_of_another_organization(tenant, other_tenant):
    foreign = CustomerFactory(organization=other_tenant.org, name="Beta kunde")

    with pytest.raises(ValidationError):
        services.customer_update(
            org=tenant.org, actor=tenant.caseworker, customer=foreign, name="Taken"
        )

    foreign.refresh_from_db()
    assert foreign.name == "Beta kunde"


def test_customer_update_writes_nothing_when_nothing_changed(tenant):
    customer = CustomerFactory(organization=tenant.org, name="Jonas Lie")

    with CaptureQueriesContext(connection) as queries:
        services.customer_update(
            org=tenant.org, actor=tenant.caseworker, customer=customer, name="Jonas Lie"
        )

    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


def test_customer_update_writes_only_the_changed_columns(tenant):
    customer = CustomerFactory(organization=tenant.org, name="Jonas Lie")

    with CaptureQueriesContext(connection) as queries:
        services.customer_update(
            org=tenant.org, actor=tenant.caseworker, customer=customer, phone="+47 400 00 000"
        )

    (update,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"phone"' in update
    assert '"name"' not in update
