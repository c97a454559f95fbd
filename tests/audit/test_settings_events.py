"""Settings writes (members, roles, teams, API keys, the organization, e-mail intake, the
Events tab switches) record who did what, with old and new values, in module "settings"."""

from __future__ import annotations

import pytest

from inquiries.services.email_settings import (
    imap_mailbox_delete,
    imap_mailbox_save,
    receiving_address_add,
)
from organizations import services
from organizations.models import Invitation, Membership, Team
from organizations.models_audit import AuditEvent
from organizations.services_api_keys import api_key_create, api_key_revoke
from organizations.services_modules import organization_event_tabs_set
from tests.audit.support import events_of, last_event
from tests.factories.organizations import UserFactory

pytestmark = pytest.mark.django_db


def test_inviting_a_new_person_and_an_existing_user(tenant):
    membership = services.member_invite(
        org=tenant.org,
        actor=tenant.admin,
        email="new@example.com",
        full_name="Nina Ny",
        role="caseworker",
        site_url="https://saksflyt.example",
    )
    event = last_event(membership, "invited")
    assert (event.module, event.actor, event.object_label) == ("settings", tenant.admin, "Nina Ny")
    assert event.changes == {"role": ["", "Caseworker"]}

    UserFactory(email="old@example.com")
    invitation = services.member_invite(
        org=tenant.org,
        actor=tenant.admin,
        email="old@example.com",
        role="admin",
        site_url="https://saksflyt.example",
    )
    assert isinstance(invitation, Invitation)
    assert last_event(invitation, "invited").object_label == "old@example.com"
    services.invitation_withdraw(org=tenant.org, actor=tenant.admin, invitation=invitation)
    assert AuditEvent.objects.filter(action="withdrawn", object_label="old@example.com").exists()


def test_role_and_active_changes(tenant):
    membership = Membership.objects.get(organization=tenant.org, user=tenant.caseworker)
    services.member_change_role(
        org=tenant.org, actor=tenant.admin, membership=membership, role="admin"
    )
    assert last_event(membership, "changed").changes == {"role": ["Caseworker", "Administrator"]}
    services.member_set_active(
        org=tenant.org, actor=tenant.admin, membership=membership, active=False
    )
    assert last_event(membership, "deactivated").changes == {"is_active": ["Yes", "No"]}


def test_refused_last_admin_change_records_nothing(tenant):
    membership = Membership.objects.get(organization=tenant.org, user=tenant.admin)
    with pytest.raises(Exception, match="at least one active administrator"):
        services.member_set_active(
            org=tenant.org, actor=tenant.admin, membership=membership, active=False
        )
    assert events_of(membership) == []


def test_teams_created_changed_deleted(tenant):
    team = services.team_save(
        org=tenant.org, actor=tenant.admin, name="Drift", members=[tenant.caseworker]
    )
    assert last_event(team, "created").changes == {
        "name": ["", "Drift"],
        "members": ["", str(tenant.caseworker)],
    }
    services.team_save(org=tenant.org, actor=tenant.admin, name="Renhold", members=[], team=team)
    assert last_event(team, "changed").changes == {
        "name": ["Drift", "Renhold"],
        "members": [str(tenant.caseworker), ""],
    }
    team_id = team.pk
    services.team_delete(org=tenant.org, actor=tenant.admin, team=team)
    assert not Team.objects.filter(pk=team_id).exists()
    deleted = AuditEvent.objects.get(
        object_type="organizations.team", object_id=team_id, action="deleted"
    )
    assert deleted.object_label == "Renhold"


def test_api_keys_created_and_revoked(tenant):
    key, secret = api_key_create(org=tenant.org, actor=tenant.admin, name="ERP")
    created = last_event(key, "created")
    assert created.changes["name"] == ["", "ERP"]
    assert secret not in str(created.changes)  # never the secret
    api_key_revoke(org=tenant.org, actor=tenant.admin, api_key=key)
    revoked = last_event(key, "revoked")
    assert revoked.changes["revoked_at"][0] == "" and revoked.changes["revoked_at"][1]
    api_key_revoke(org=tenant.org, actor=tenant.admin, api_key=key)  # twice changes nothing
    assert len(events_of(key, "revoked")) == 1


def test_organization_settings(tenant):
    org = tenant.org
    services.organization_update(
        org=org,
        actor=tenant.admin,
        name="Alpha Bolig AS",
        default_language=org.default_language,
        time_zone="Europe/Stockholm",
        brand_color=org.brand_color,
    )
    event = last_event(org, "changed")
    assert event.changes == {
        "name": ["Alpha Bolig", "Alpha Bolig AS"],
        "time_zone": ["Europe/Oslo", "Europe/Stockholm"],
    }


def test_event_tab_switches_are_an_event_and_keep_the_other_modules(tenant):
    org = tenant.org
    assert not org.events_enabled("customers") and org.events_enabled("cases")
    after = organization_event_tabs_set(
        org=org, actor=tenant.admin, tabs={"customers": True, "cases": False}
    )
    assert after["customers"] and not after["cases"] and after["inquiries"]
    org.refresh_from_db()
    assert org.events_enabled("customers") and not org.events_enabled("cases")
    assert last_event(org, "changed").changes == {
        "events:customers": ["No", "Yes"],
        "events:cases": ["Yes", "No"],
    }
    organization_event_tabs_set(org=org, actor=tenant.admin, tabs={"customers": True})
    assert len(events_of(org, "changed")) == 1  # nothing changed, nothing recorded


def test_receiving_addresses_and_mailboxes(tenant):
    address = receiving_address_add(org=tenant.org, actor=tenant.admin, address="post@alpha.no")
    assert last_event(address, "created").changes["address"] == ["", "post@alpha.no"]
    mailbox = imap_mailbox_save(
        org=tenant.org,
        actor=tenant.admin,
        host="imap.alpha.no",
        username="post",
        password="secret-1",
    )
    assert last_event(mailbox, "created").changes["host"] == ["", "imap.alpha.no"]
    imap_mailbox_save(
        org=tenant.org, actor=tenant.admin, mailbox=mailbox, folder="Saker", password="secret-2"
    )
    changes = last_event(mailbox, "changed").changes
    assert changes["folder"][1] == "Saker"
    assert "secret" not in str(changes)
    mailbox_id = mailbox.pk
    imap_mailbox_delete(org=tenant.org, actor=tenant.admin, mailbox=mailbox)
    assert AuditEvent.objects.filter(object_id=mailbox_id, action="deleted").exists()
