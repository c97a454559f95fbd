"""printing/services/jobs.py refuses organization B's cases and containers when working for
A, called directly."""

from __future__ import annotations

from printing.services.jobs import case_job_create, labels_job_create
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
        "labels: container",
        lambda a, b: (
            labels_job_create,
            {"org": a.org, "actor": admin(a), "container_ids": [b["container"].pk]},
        ),
    ),
    Guard(
        "labels: one of several containers",
        lambda a, b: (
            labels_job_create,
            {
                "org": a.org,
                "actor": admin(a),
                "container_ids": [a["container"].pk, b["container"].pk],
            },
        ),
    ),
    Guard(
        "case: case",
        lambda a, b: (
            case_job_create,
            {"org": a.org, "actor": admin(a), "case": b["case"], "audience": "staff"},
        ),
    ),
)
def test_jobs_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)
