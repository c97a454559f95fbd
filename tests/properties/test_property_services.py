"""Property, container and agreement services: validation and saving."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from properties import services
from properties.models import Agreement, Container, Property
from tests.factories.customers import CustomerFactory
from tests.factories.properties import AgreementFactory, ContainerFactory, PropertyFactory

# --- Properties ---------------------------------------------------------------------------


def test_property_create_saves_under_a_parent(tenant):
    estate = PropertyFactory(organization=tenant.org, name="Solsiden Terrasse")

    building = services.property_create(
        org=tenant.org,
        actor=tenant.caseworker,
        address=" Solsidevegen 4A ",
        parent=estate,
        name="Hus A",
        property_number="ST-A",
        property_type="Boligblokk",
    )

    building.refresh_from_db()
    assert (building.organization, building.parent, building.address) == (
        tenant.org,
        estate,
        "Solsidevegen 4A",
    )


def test_a_property_needs_an_address(tenant):
    with pytest.raises(ValidationError) as exc:
        services.property_create(org=tenant.org, actor=tenant.caseworker, address="  ")

    assert exc.value.message_dict["address"] == ["Enter the address."]


def test_property_numbers_are_unique_per_organization(tenant, other_tenant):
    PropertyFactory(organization=tenant.org, property_number="751-000123")
    PropertyFactory(organization=other_tenant.org, property_number="751-000999")

    with pytest.raises(ValidationError) as exc:
        services.property_create(
            org=tenant.org, actor=tenant.caseworker, address="X", property_number="751-000123"
        )
    services.property_create(
        org=tenant.org, actor=tenant.caseworker, address="Y", property_number="751-000999"
    )

    assert "already in use" in exc.value.message_dict["property_number"][0]


def test_a_parent_from_another_organization_is_refused(tenant, other_tenant):
    foreign = PropertyFactory(organization=other_tenant.org)

    with pytest.raises(ValidationError) as exc:
        services.property_create(
            org=tenant.org, actor=tenant.caseworker, address="Storgatan 14", parent=foreign
        )

    assert "parent" in exc.value.message_dict
    assert not Property.objects.filter(organization=tenant.org).exists()


@pytest.fixture
def chain(tenant):
    estate = PropertyFactory(organization=tenant.org, name="Solsiden Terrasse")
    building = PropertyFactory(organization=tenant.org, name="Hus A", parent=estate)
    unit = PropertyFactory(organization=tenant.org, name="H0101", parent=building)
    return estate, building, unit


def test_a_property_cannot_be_its_own_parent(tenant, chain):
    estate, _building, _unit = chain

    with pytest.raises(ValidationError) as exc:
        services.property_update(
            org=tenant.org, actor=tenant.caseworker, property=estate, parent=estate
        )

    assert exc.value.message_dict["parent"] == [
        "A property cannot be placed under itself or one of its own parts."
    ]


def test_a_property_cannot_be_placed_under_one_of_its_parts(tenant, chain):
    estate, _building, unit = chain

    with pytest.raises(ValidationError):
        services.property_update(
            org=tenant.org, actor=tenant.caseworker, property=estate, parent=unit
        )

    estate.refresh_from_db()
    assert estate.parent is None


def test_a_property_can_move_to_another_branch(tenant, chain):
    estate, building, unit = chain
    other = PropertyFactory(organization=tenant.org, name="Hus B", parent=estate)

    services.property_update(org=tenant.org, actor=tenant.caseworker, property=unit, parent=other)

    unit.refresh_from_db()
    assert unit.parent == other


def test_property_update_keeps_its_own_number(tenant):
    prop = PropertyFactory(organization=tenant.org, property_number="ST-A")

    services.property_update(
        org=tenant.org, actor=tenant.caseworker, property=prop, property_number="ST-A", area="Midt"
    )

    prop.refresh_from_db()
    assert prop.area == "Midt"


# --- Containers ---------------------------------------------------------------------------


def test_container_create_saves_a_bin_at_a_property(tenant):
    home = PropertyFactory(organization=tenant.org)

    container = services.container_create(
        org=tenant.org,
        actor=tenant.caseworker,
        property=home,
        container_id="100234",
        fraction="Restaffald",
        container_type="240 liters beholder",
        size_litres=240,
    )

    assert (container.organization, container.property) == (tenant.org, home)


def test_container_id_is_unique_per_organization_with_a_clear_error(tenant):
    first = ContainerFactory(
        property=PropertyFactory(organization=tenant.org, address="Birkevej 12", city="Aarhus C"),
        container_id="100234",
    )

    with pytest.raises(ValidationError) as exc:
        services.container_create(
            org=tenant.org,
            actor=tenant.caseworker,
            property=PropertyFactory(organization=tenant.org),
            container_id="100234",
            fraction="Plast",
        )

    assert exc.value.message_dict["container_id"] == [
        f"Container ID 100234 is already used by a container at {first.property.full_address}."
    ]
    assert Container.objects.count() == 1


def test_the_same_container_id_is_allowed_in_another_organization(tenant, other_tenant):
    ContainerFactory(property=PropertyFactory(organization=other_tenant.org), container_id="100234")

    services.container_create(
        org=tenant.org,
        actor=tenant.caseworker,
        property=PropertyFactory(organization=tenant.org),
        container_id="100234",
        fraction="Restaffald",
    )

    assert Container.objects.filter(container_id="100234").count() == 2


def test_container_update_may_keep_its_id_but_not_take_anothers(tenant):
    home = PropertyFactory(organization=tenant.org)
    ContainerFactory(property=home, container_id="100235")
    container = ContainerFactory(property=home, container_id="100234")

    services.container_update(
        org=tenant.org, actor=tenant.caseworker, container=container, container_id="100234"
    )
    with pytest.raises(ValidationError):
        services.container_update(
            org=tenant.org, actor=tenant.caseworker, container=container, container_id="100235"
        )


def test_container_needs_id_fraction_and_property_of_the_organization(tenant, other_tenant):
    with pytest.raises(ValidationError) as exc:
        services.container_create(
            org=tenant.org,
            actor=tenant.caseworker,
            property=PropertyFactory(organization=other_tenant.org),
            container_id=" ",
            fraction="",
            size_litres=0,
        )

    assert set(exc.value.message_dict) == {"property", "container_id", "fraction", "size_litres"}


# --- Agreements ---------------------------------------------------------------------------


def test_agreement_create_uses_the_organizations_currency(tenant):
    tenant.org.default_language = "da"
    home = PropertyFactory(organization=tenant.org)
    owner = CustomerFactory(organization=tenant.org)

    agreement = services.agreement_create(
        org=tenant.org,
        actor=tenant.caseworker,
        property=home,
        customer=owner,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        price="3125.00",
    )

    agreement.refresh_from_db()
    assert (agreement.currency, agreement.price, agreement.customer) == (
        "DKK",
        Decimal("3125.00"),
        owner,
    )


def test_agreement_period_must_not_end_before_it_starts(tenant):
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(
            org=tenant.org,
            actor=tenant.caseworker,
            property=PropertyFactory(organization=tenant.org),
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2025, 12, 31),
        )

    assert exc.value.message_dict["period_end"] == ["The period cannot end before it starts."]
    assert not Agreement.objects.exists()


def test_an_agreement_may_end_the_day_it_starts_and_cost_nothing(tenant):
    agreement = services.agreement_create(
        org=tenant.org,
        actor=tenant.caseworker,
        property=PropertyFactory(organization=tenant.org),
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 1),
        price=0,
    )

    assert agreement.price == Decimal("0")


def test_agreement_refuses_negative_price_bad_currency_and_foreign_customer(tenant, other_tenant):
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(
            org=tenant.org,
            actor=tenant.caseworker,
            property=PropertyFactory(organization=tenant.org),
            customer=CustomerFactory(organization=other_tenant.org),
            period_start=datetime.date(2026, 1, 1),
            price="-1",
            currency="kroner",
        )

    assert set(exc.value.message_dict) == {"customer", "price", "currency"}


def test_agreement_update_changes_period_and_price(tenant):
    agreement = AgreementFactory(property=PropertyFactory(organization=tenant.org))

    services.agreement_update(
        org=tenant.org,
        actor=tenant.caseworker,
        agreement=agreement,
        period_end=datetime.date(2026, 6, 30),
        price=Decimal("199.50"),
    )

    agreement.refresh_from_db()
    assert (agreement.period_end, agreement.price) == (
        datetime.date(2026, 6, 30),
        Decimal("199.50"),
    )


def test_agreement_update_refuses_an_agreement_of_another_organization(tenant, other_tenant):
    foreign = AgreementFactory(property=PropertyFactory(organization=other_tenant.org))

    with pytest.raises(ValidationError):
        services.agreement_update(
            org=tenant.org, actor=tenant.caseworker, agreement=foreign, price=1
        )
