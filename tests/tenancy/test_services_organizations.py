"""organizations/services.py and services_api_keys.py refuse organization B's invitations,
memberships, teams, members and API keys when working for A, called directly."""

from __future__ import annotations

from organizations.audit import audit_build, audit_record
from organizations.calendar import closed_day_delete
from organizations.services import (
    invitation_accept,
    invitation_decline,
    invitation_withdraw,
    member_change_role,
    member_set_active,
    team_delete,
    team_save,
)
from organizations.services_api_keys import api_key_revoke
from tests.tenancy.services_support import (  # noqa: F401 - world_a, world_b: fixtures
    Guard,
    admin,
    assert_refused,
    guards,
    worker,
    world_a,
    world_b,
)


def _call(function, a, **fields):
    return function, {"org": a.org, "actor": admin(a), **fields}


@guards(
    Guard(
        "invitation_withdraw: invitation",
        lambda a, b: _call(invitation_withdraw, a, invitation=b["invitation"]),
    ),
    Guard(
        "member_change_role: membership",
        lambda a, b: _call(member_change_role, a, membership=b["membership"], role="admin"),
    ),
    Guard(
        "member_set_active: membership",
        lambda a, b: _call(member_set_active, a, membership=b["membership"], active=False),
    ),
    Guard(
        "team_save: team",
        lambda a, b: _call(team_save, a, team=b["team"], name="Taken over", members=[]),
    ),
    Guard(
        "team_save: members",
        lambda a, b: _call(team_save, a, name="Mixed crew", members=[worker(b)]),
        "Only members of this organization can join its teams.",
    ),
    Guard("team_delete: team", lambda a, b: _call(team_delete, a, team=b["team"])),
    # A user acts on their own invitations only, whichever organization made them.
    Guard(
        "invitation_accept: someone else's",
        lambda a, b: (invitation_accept, {"user": admin(a), "invitation": b["invitation"]}),
        "This invitation is no longer open.",
    ),
    Guard(
        "invitation_decline: someone else's",
        lambda a, b: (invitation_decline, {"user": admin(a), "invitation": b["invitation"]}),
        "This invitation is no longer open.",
    ),
)
def test_organizations_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


@guards(
    Guard(
        "api_key_revoke: key",
        lambda a, b: (api_key_revoke, {"org": a.org, "actor": admin(a), "api_key": b["api_key"]}),
    ),
)
def test_api_keys_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


@guards(
    Guard(
        "audit_record: object",
        lambda a, b: (
            audit_record,
            {
                "org": a.org,
                "actor": admin(a),
                "module": "customers",
                "obj": b["customer"],
                "action": "changed",
            },
        ),
        audit_check=True,
    ),
    Guard(
        "audit_build: object",
        lambda a, b: (
            audit_build,
            {
                "org": a.org,
                "actor": admin(a),
                "module": "cases",
                "obj": b["case"],
                "action": "changed",
            },
        ),
        audit_check=True,
    ),
)
def test_audit_module_refuses_another_organizations_objects(guard, a, b):
    """An event of A about B's object would show B's object in A's audit trail."""
    assert_refused(guard, a, b)


@guards(
    Guard(
        "closed_day_delete: day",
        lambda a, b: _call(closed_day_delete, a, closed_day=b["closed_day"]),
    ),
)
def test_calendar_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)
