"""properties.services: every write records its event with old and new values."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from properties import services
from tests.audit.support import last_event
from tests.factories.customers import CustomerFactory

pytestmark = pytest.mark.django_db


def test_property_create_and_update(tenant):
    estate = services.property_create(
        org=tenant.org, actor=tenant.admin, address="Solbakken", name="Solbakken borettslag"
    )
    prop = services.property_create(
        org=tenant.org, actor=tenant.admin, address="Solbakken 12", property_number="P-1"
    )
    assert last_event(prop, "created").changes["property_number"] == ["", "P-1"]
    assert last_event(prop, "created").module == "properties"

    services.property_update(
        org=tenant.org, actor=tenant.caseworker, property=prop, parent=estate, area="Vest"
    )
    changed = last_event(prop, "changed")
    assert changed.actor == tenant.caseworker
    assert changed.changes == {"parent": ["", str(estate)], "area": ["", "Vest"]}


def test_container_and_agreement_changes(tenant):
    prop = services.property_create(org=tenant.org, actor=tenant.admin, address="Storgata 1")
    container = services.container_create(
        org=tenant.org, actor=tenant.admin, property=prop, container_id="B-1", fraction="Plast"
    )
    services.container_update(
        org=tenant.org, actor=tenant.admin, container=container, size_litres=660
    )
    assert last_event(container, "changed").changes == {"size_litres": ["", "660"]}

    customer = CustomerFactory(organization=tenant.org, name="Kari")
    agreement = services.agreement_create(
        org=tenant.org,
        actor=tenant.admin,
        property=prop,
        customer=customer,
        period_start=datetime.date(2026, 1, 1),
        price=100,
    )
    assert last_event(agreement, "created").changes["customer"] == ["", "Kari"]
    services.agreement_update(
        org=tenant.org, actor=tenant.admin, agreement=agreement, price=Decimal("125.50")
    )
    assert last_event(agreement, "changed").changes == {"price": ["100", "125.50"]}
