"""properties/services.py refuses organization B's properties, containers, agreements and
customers when working for A, called directly."""

from __future__ import annotations

import datetime

from properties.services import (
    agreement_create,
    agreement_update,
    container_create,
    container_update,
    property_create,
    property_update,
)
from tests.tenancy.services_support import (  # noqa: F401 - world_a, world_b: fixtures
    Guard,
    admin,
    assert_refused,
    guards,
    world_a,
    world_b,
)

START = datetime.date(2026, 1, 1)


def _call(function, a, **fields):
    return function, {"org": a.org, "actor": admin(a), **fields}


@guards(
    Guard(
        "property_create: parent",
        lambda a, b: _call(property_create, a, address="Side street 1", parent=b["property"]),
    ),
    Guard(
        "property_update: property",
        lambda a, b: _call(property_update, a, property=b["property"], name="Taken over"),
    ),
    Guard(
        "property_update: parent",
        lambda a, b: _call(property_update, a, property=a["property"], parent=b["property"]),
    ),
    Guard(
        "container_create: property",
        lambda a, b: _call(
            container_create, a, property=b["property"], container_id="X-1", fraction="Paper"
        ),
    ),
    # Their container moved onto our property: nothing but the container guard stops it.
    Guard(
        "container_update: container",
        lambda a, b: _call(container_update, a, container=b["container"], property=a["property"]),
    ),
    Guard(
        "container_update: property",
        lambda a, b: _call(container_update, a, container=a["container"], property=b["property"]),
    ),
    Guard(
        "agreement_create: property",
        lambda a, b: _call(agreement_create, a, property=b["property"], period_start=START),
    ),
    Guard(
        "agreement_create: customer",
        lambda a, b: _call(
            agreement_create, a, property=a["property"], period_start=START, customer=b["customer"]
        ),
    ),
    Guard(
        "agreement_update: agreement",
        lambda a, b: _call(
            agreement_update, a, agreement=b["agreement"], property=a["property"], customer=None
        ),
    ),
    Guard(
        "agreement_update: property",
        lambda a, b: _call(agreement_update, a, agreement=a["agreement"], property=b["property"]),
    ),
    Guard(
        "agreement_update: customer",
        lambda a, b: _call(agreement_update, a, agreement=a["agreement"], customer=b["customer"]),
    ),
)
def test_properties_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)
