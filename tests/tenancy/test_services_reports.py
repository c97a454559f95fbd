"""reports/services refuse organization B's users, customers, properties, teams and saved views
when working for A, called directly."""

from __future__ import annotations

from django.http import QueryDict

from reports.services.export_jobs import export_job_create
from reports.services.saved_views import (
    saved_view_create,
    saved_view_delete,
    saved_view_update,
)
from tests.tenancy.services_support import (  # noqa: F401 - world_a, world_b: fixtures
    Guard,
    admin,
    assert_refused,
    guards,
    world_a,
    world_b,
)


def _export(a, b, **kwargs):
    base = {"org": a.org, "actor": admin(a), "fmt": "csv", "params": QueryDict("")}
    return export_job_create, {**base, **kwargs}


@guards(
    Guard("export: actor", lambda a, b: _export(a, b, actor=admin(b))),
    Guard(
        "export: customer in the filter",
        lambda a, b: _export(a, b, params=QueryDict(f"customer={b['customer'].pk}")),
    ),
    Guard(
        "export: property in the filter",
        lambda a, b: _export(a, b, params=QueryDict(f"property={b['property'].pk}")),
    ),
)
def test_export_jobs_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


@guards(
    Guard(
        "create: team",
        lambda a, b: (
            saved_view_create,
            {
                "org": a.org,
                "actor": admin(a),
                "name": "Shared",
                "params": QueryDict("status=open"),
                "team": b["team"],
            },
        ),
    ),
    Guard(
        "create: customer in the filter",
        lambda a, b: (
            saved_view_create,
            {
                "org": a.org,
                "actor": admin(a),
                "name": "Theirs",
                "params": QueryDict(f"customer={b['customer'].pk}"),
            },
        ),
    ),
    Guard(
        "update: view",
        lambda a, b: (
            saved_view_update,
            {
                "org": a.org,
                "actor": admin(a),
                "view": b["saved_view"],
                "name": "Mine now",
                "team": None,
            },
        ),
    ),
    Guard(
        "update: team",
        lambda a, b: (
            saved_view_update,
            {
                "org": a.org,
                "actor": admin(a),
                "view": a["saved_view"],
                "name": "Shared",
                "team": b["team"],
            },
        ),
    ),
    Guard(
        "delete: view",
        lambda a, b: (
            saved_view_delete,
            {"org": a.org, "actor": admin(a), "view": b["saved_view"]},
        ),
    ),
)
def test_saved_views_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)
