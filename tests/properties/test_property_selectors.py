"""Property search, the parent chain, children, and the lookups for the case form."""

from __future__ import annotations

from properties.selectors import (
    container_autocomplete,
    property_ancestors,
    property_autocomplete,
    property_children,
    property_search,
)
from tests.factories.properties import ContainerFactory, PropertyFactory


def test_property_search_matches_address_number_name_and_city(tenant, other_tenant):
    home = PropertyFactory(
        organization=tenant.org,
        address="Birkevej 12",
        property_number="751-000123",
        name="",
        city="Aarhus C",
    )
    estate = PropertyFactory(organization=tenant.org, name="Solsiden Terrasse", city="Trondheim")
    PropertyFactory(organization=other_tenant.org, address="Birkevej 14", city="Aarhus C")

    assert list(property_search(tenant.org, "birkevej")) == [home]
    assert list(property_search(tenant.org, "000123")) == [home]
    assert list(property_search(tenant.org, "solsiden")) == [estate]
    assert list(property_search(tenant.org, "aarhus")) == [home]
    assert list(property_search(tenant.org, "birkevej aarhus")) == [home]


def test_ancestors_run_from_the_estate_down(tenant, django_assert_num_queries):
    estate = PropertyFactory(organization=tenant.org, name="Solsiden Terrasse")
    building = PropertyFactory(organization=tenant.org, name="Hus A", parent=estate)
    unit = PropertyFactory(organization=tenant.org, name="H0101", parent=building)
    room = PropertyFactory(organization=tenant.org, name="Bod", parent=unit)

    with django_assert_num_queries(1):
        assert property_ancestors(unit) == [estate, building]
    assert property_ancestors(room) == [estate, building, unit]
    assert property_ancestors(estate) == []


def test_children_are_the_direct_parts_only(tenant):
    estate = PropertyFactory(organization=tenant.org)
    building = PropertyFactory(organization=tenant.org, parent=estate)
    PropertyFactory(organization=tenant.org, parent=building)

    children = list(property_children(tenant.org, estate))

    assert children == [building]
    assert children[0].children_count == 1


def test_property_autocomplete_gives_label_and_number(tenant):
    PropertyFactory(
        organization=tenant.org,
        address="Rosenhaven 3",
        postcode="8200",
        city="Aarhus N",
        property_number="751-000456",
        name="",
    )

    (row,) = property_autocomplete(tenant.org, "rosenhaven")

    assert row["label"] == "Rosenhaven 3, 8200 Aarhus N"
    assert row["property_number"] == "751-000456"
    assert set(row) == {"id", "label", "property_number"}


def test_container_autocomplete_by_property_or_by_query(tenant):
    home = PropertyFactory(organization=tenant.org)
    rest = ContainerFactory(property=home, container_id="100234", fraction="Restaffald")
    ContainerFactory(property=home, container_id="100235", fraction="Madaffald")
    ContainerFactory(property=PropertyFactory(organization=tenant.org), container_id="200001")

    by_property = container_autocomplete(tenant.org, property_id=home.pk)
    by_query = container_autocomplete(tenant.org, q="100234")

    assert [row["container_id"] for row in by_property] == ["100234", "100235"]
    assert by_query == [
        {
            "id": rest.pk,
            "container_id": "100234",
            "fraction": "Restaffald",
            "container_type": rest.container_type,
        }
    ]
    assert container_autocomplete(tenant.org) == []
