"""property_resolve: the property number is matched before any row limit (issue 9, item 13)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from inquiries.services.matching import property_resolve
from tests.factories.properties import PropertyFactory


def test_unit_number_wins_in_a_building_with_many_units_at_one_address(tenant):
    units = [
        PropertyFactory(organization=tenant.org, address="Storgata 1", property_number=f"U-{n:02d}")
        for n in range(1, 26)
    ]
    with CaptureQueriesContext(connection) as queries:
        found = property_resolve(tenant.org, property_number="u-25", address="Storgata 1, Oslo")
    assert found == units[-1].pk
    assert len(queries) == 1


def test_address_shared_by_many_units_and_no_number_matches_nothing(tenant):
    for n in range(1, 26):
        PropertyFactory(organization=tenant.org, address="Storgata 1", property_number=f"U-{n:02d}")
    assert property_resolve(tenant.org, address="Storgata 1") is None
    assert property_resolve(tenant.org, property_number="U-99", address="Storgata 1") is None


def test_unknown_number_falls_back_to_the_address_then_to_the_part_before_the_comma(tenant):
    for n in range(1, 26):
        PropertyFactory(organization=tenant.org, address=f"Storgata {n}", property_number="")
    home = PropertyFactory(organization=tenant.org, address="Lillegata 3", property_number="L-3")
    assert property_resolve(tenant.org, property_number="X-1", address="lillegata  3") == home.pk
    assert property_resolve(tenant.org, address="Lillegata 3, 0150 Oslo") == home.pk
    assert property_resolve(tenant.org, property_number="l-3") == home.pk


def test_other_organizations_properties_are_never_found(tenant, other_tenant):
    PropertyFactory(organization=other_tenant.org, address="Storgata 1", property_number="U-1")
    assert property_resolve(tenant.org, property_number="U-1", address="Storgata 1") is None
