"""The service-level and calendar services refuse organization B's policies, categories,
customers and closed days when working for A, called directly, and write nothing."""

from __future__ import annotations

from cases.services.service_level_policies import (
    service_level_policy_delete,
    service_level_policy_save,
)
from organizations.calendar import closed_day_delete
from tests.tenancy.services_support import (  # noqa: F401 - world_a, world_b: fixtures
    Guard,
    admin,
    assert_refused,
    guards,
    world_a,
    world_b,
)


def _save(a, **fields):
    values = {"name": "Mine", "priority": "high", "first_response_minutes": 60, **fields}
    return service_level_policy_save, {"org": a.org, "actor": admin(a), **values}


@guards(
    Guard(
        "service_level_policy_save: policy",
        lambda a, b: _save(a, policy=b["service_level_policy"]),
    ),
    Guard("service_level_policy_save: category", lambda a, b: _save(a, category=b["category"])),
    Guard("service_level_policy_save: customer", lambda a, b: _save(a, customer=b["customer"])),
    Guard(
        "service_level_policy_delete: policy",
        lambda a, b: (
            service_level_policy_delete,
            {"org": a.org, "actor": admin(a), "policy": b["service_level_policy"]},
        ),
    ),
    Guard(
        "closed_day_delete: closed day",
        lambda a, b: (
            closed_day_delete,
            {"org": a.org, "actor": admin(a), "closed_day": b["closed_day"]},
        ),
    ),
)
def test_service_level_services_refuse_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)
