"""organizations.audit: the API every module's services write their events with."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from organizations.audit import audit_changes, audit_record, model_snapshot
from organizations.models import ApiKey, Membership
from organizations.models_audit import AuditEvent
from tests.factories.organizations import TeamFactory

pytestmark = pytest.mark.django_db


def test_record_keeps_actor_object_and_changes(tenant):
    membership = Membership.objects.get(organization=tenant.org, user=tenant.caseworker)
    before = model_snapshot(membership, ["role", "is_active", "user"])
    membership.role = Membership.Role.ADMIN
    membership.is_active = False
    with translation.override("nb"):  # stored in the source language whatever is active
        changes = audit_changes(before, membership, ["role", "is_active", "user"])
    assert changes == {"role": ["Caseworker", "Administrator"], "is_active": ["Yes", "No"]}

    event = audit_record(
        org=tenant.org,
        actor=tenant.admin,
        module="settings",
        obj=membership,
        action="changed",
        changes=changes,
    )
    event.refresh_from_db()
    assert event.organization_id == tenant.org.pk
    assert event.actor == tenant.admin
    assert event.actor_label == str(tenant.admin)
    assert event.object_type == "organizations.membership"
    assert event.object_id == membership.pk
    assert event.object_label == str(membership)
    assert event.changes == changes


def test_unchanged_fields_are_left_out(tenant):
    team = TeamFactory(organization=tenant.org, name="Drift")
    before = model_snapshot(team, ["name"])
    assert audit_changes(before, team, ["name"]) == {}
    team.name = "Renhold"
    assert audit_changes(before, team, ["name"]) == {"name": ["Drift", "Renhold"]}


def test_many_to_many_is_the_sorted_names(tenant):
    team = TeamFactory(organization=tenant.org, name="Drift")
    before = model_snapshot(team, ["members"])
    team.members.add(tenant.caseworker, tenant.admin)
    names = ", ".join(sorted([str(tenant.caseworker), str(tenant.admin)]))
    assert audit_changes(before, team, ["members"]) == {"members": ["", names]}


def test_actor_may_be_a_label_nobody_or_an_api_key(tenant):
    team = TeamFactory(organization=tenant.org)
    by_resident = audit_record(
        org=tenant.org, actor="Resident Kari", module="inquiries", obj=team, action="created"
    )
    assert (by_resident.actor, by_resident.actor_label) == (None, "Resident Kari")
    by_system = audit_record(org=tenant.org, actor=None, module="cases", obj=team, action="x")
    assert (by_system.actor, by_system.actor_label) == (None, "")
    key = ApiKey.objects.create(organization=tenant.org, name="ERP", prefix="abcd1234")
    by_key = audit_record(org=tenant.org, actor=key, module="cases", obj=team, action="created")
    assert by_key.actor is None and "ERP" in by_key.actor_label


def test_label_overrides_and_other_organizations_objects_are_refused(tenant, other_tenant):
    team = TeamFactory(organization=tenant.org, name="Drift")
    event = audit_record(
        org=tenant.org, actor=None, module="settings", obj=team, action="deleted", label="Old"
    )
    assert event.object_label == "Old"
    foreign = TeamFactory(organization=other_tenant.org)
    with pytest.raises(ValidationError, match="another organization"):
        audit_record(org=tenant.org, actor=None, module="settings", obj=foreign, action="x")
    assert not AuditEvent.objects.filter(object_id=foreign.pk).exists()
