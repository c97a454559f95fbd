"""privacy/services.py refuses organization B's customers when working for A, called
directly: no export of them, no erasure."""

from __future__ import annotations

from privacy.services import customer_erase, customer_export
from tests.tenancy.services_support import (  # noqa: F401 - world_a, world_b: fixtures
    Guard,
    admin,
    assert_refused,
    guards,
    world_a,
    world_b,
)


@guards(
    Guard(
        "export: customer",
        lambda a, b: (
            customer_export,
            {"org": a.org, "actor": admin(a), "customer": b["customer"]},
        ),
    ),
    Guard(
        "erase: customer",
        lambda a, b: (
            customer_erase,
            {"org": a.org, "actor": admin(a), "customer": b["customer"], "reason": "Asked to"},
        ),
    ),
)
def test_privacy_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)
