"""Member management in the organization settings: invite, role, deactivate, last admin."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from notifications.models import OutboundMessage
from organizations import services
from organizations.models import Invitation, Membership, User
from tests.factories.organizations import MembershipFactory, UserFactory

LAST_ADMIN_EN = "An organization must keep at least one active administrator."
LAST_ADMIN_NB = "En organisasjon må ha minst én aktiv administrator."


def _members_url(tenant) -> str:
    return f"/{tenant.org.slug}/settings/members/"


def _membership(tenant, user) -> Membership:
    return Membership.objects.get(organization=tenant.org, user=user)


def _invite(client, tenant, captured, **data):
    with captured(execute=True):
        return client.post(_members_url(tenant), data)


def test_admin_sees_all_members_with_roles(tenant, admin_client_org):
    response = admin_client_org.get(_members_url(tenant))

    assert response.status_code == 200
    for user in (tenant.admin, tenant.caseworker, tenant.supplier):
        assert user.email in response.content.decode()


def test_invite_creates_user_and_membership_and_sends_a_set_password_link(
    tenant, admin_client_org, django_capture_on_commit_callbacks, client
):
    response = _invite(
        admin_client_org,
        tenant,
        django_capture_on_commit_callbacks,
        email="New.Person@Example.com",
        full_name="Nina Ny",
        role="caseworker",
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.com")
    assert user.full_name == "Nina Ny"
    assert not user.has_usable_password()
    assert _membership(tenant, user).role == "caseworker"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ['"Nina Ny" <new.person@example.com>']
    assert tenant.org.name in message.subject
    # through the outbox, marked automatic
    row = OutboundMessage.objects.get(kind="invitation")
    assert row.status == "sent" and row.headers["Auto-Submitted"] == "auto-generated"
    link = re.search(r"https?://\S+/accounts/reset/\S+/", message.body).group(0)

    # The link lets the new member choose a password and sign in.
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.context["validlink"]
    saved = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-fine-new-passw0rd", "new_password2": "a-fine-new-passw0rd"},
    )
    assert saved.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-fine-new-passw0rd")


def test_invite_of_existing_user_from_another_organization_waits_for_acceptance(
    tenant, other_tenant, admin_client_org, django_capture_on_commit_callbacks
):
    known = other_tenant.caseworker

    _invite(
        admin_client_org,
        tenant,
        django_capture_on_commit_callbacks,
        email=known.email,
        role="supplier",
    )

    # No membership until they accept (tests/organizations/test_invitation_acceptance.py).
    assert not Membership.objects.filter(organization=tenant.org, user=known).exists()
    invitation = Invitation.objects.get(organization=tenant.org, user=known)
    assert invitation.role == "supplier"
    assert User.objects.filter(email=known.email).count() == 1
    assert len(mail.outbox) == 1
    assert f"/{tenant.org.slug}/invitation/" in mail.outbox[0].body
    assert "/accounts/reset/" not in mail.outbox[0].body


def test_inviting_an_existing_member_errors_and_keeps_what_was_typed(
    tenant, admin_client_org, django_capture_on_commit_callbacks
):
    response = _invite(
        admin_client_org,
        tenant,
        django_capture_on_commit_callbacks,
        email=tenant.caseworker.email.upper(),
        full_name="Typed Name",
        role="admin",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f"{tenant.caseworker.email} is already a member." in html
    assert f'value="{tenant.caseworker.email.upper()}"' in html
    assert 'value="Typed Name"' in html
    assert '<option value="admin" selected>' in html
    assert _membership(tenant, tenant.caseworker).role == "caseworker"
    assert mail.outbox == []


def test_inviting_a_deactivated_member_reactivates_them_once_they_accept(
    tenant, admin_client_org, django_capture_on_commit_callbacks
):
    Membership.objects.filter(organization=tenant.org, user=tenant.supplier).update(is_active=False)

    _invite(
        admin_client_org,
        tenant,
        django_capture_on_commit_callbacks,
        email=tenant.supplier.email,
        role="caseworker",
    )

    membership = _membership(tenant, tenant.supplier)
    assert (membership.role, membership.is_active) == ("supplier", False)

    services.invitation_accept(
        user=tenant.supplier,
        invitation=Invitation.objects.get(organization=tenant.org, user=tenant.supplier),
    )

    membership = _membership(tenant, tenant.supplier)
    assert (membership.role, membership.is_active) == ("caseworker", True)


def test_invite_with_invalid_email_shows_a_field_error(tenant, admin_client_org):
    response = admin_client_org.post(
        _members_url(tenant), {"email": "not-an-address", "role": "caseworker"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not User.objects.filter(email="not-an-address").exists()


def test_admin_changes_a_members_role(tenant, admin_client_org):
    membership = _membership(tenant, tenant.caseworker)

    response = admin_client_org.post(
        f"{_members_url(tenant)}{membership.pk}/role/", {"role": "admin"}, follow=True
    )

    membership.refresh_from_db()
    assert membership.role == "admin"
    assert f"Role changed for {tenant.caseworker}." in response.content.decode()


def test_unknown_role_is_refused(tenant, admin_client_org):
    membership = _membership(tenant, tenant.caseworker)

    response = admin_client_org.post(
        f"{_members_url(tenant)}{membership.pk}/role/", {"role": "owner"}, follow=True
    )

    membership.refresh_from_db()
    assert membership.role == "caseworker"
    assert "Choose a valid role." in response.content.decode()


def test_admin_deactivates_and_reactivates_a_member(tenant, admin_client_org):
    membership = _membership(tenant, tenant.caseworker)
    url = f"{_members_url(tenant)}{membership.pk}/active/"

    response = admin_client_org.post(url, {"active": "0"}, follow=True)
    membership.refresh_from_db()
    assert not membership.is_active
    assert f"{tenant.caseworker} deactivated." in response.content.decode()
    assert tenant.client_for(tenant.caseworker).get(f"/{tenant.org.slug}/").status_code == 404

    response = admin_client_org.post(url, {"active": "1"}, follow=True)
    membership.refresh_from_db()
    assert membership.is_active
    assert f"{tenant.caseworker} reactivated." in response.content.decode()
    assert tenant.client_for(tenant.caseworker).get(f"/{tenant.org.slug}/").status_code == 200


def test_last_active_admin_cannot_be_demoted(tenant, admin_client_org):
    admin = _membership(tenant, tenant.admin)

    response = admin_client_org.post(
        f"{_members_url(tenant)}{admin.pk}/role/", {"role": "caseworker"}, follow=True
    )

    admin.refresh_from_db()
    assert admin.role == "admin"
    assert LAST_ADMIN_EN in response.content.decode()


def test_last_active_admin_cannot_be_deactivated(tenant, admin_client_org):
    admin = _membership(tenant, tenant.admin)

    response = admin_client_org.post(
        f"{_members_url(tenant)}{admin.pk}/active/", {"active": "0"}, follow=True
    )

    admin.refresh_from_db()
    assert admin.is_active
    assert LAST_ADMIN_EN in response.content.decode()


def test_last_admin_error_is_shown_in_the_users_language(
    tenant, admin_client_org, compiled_catalogues
):
    tenant.admin.language = "nb"
    tenant.admin.save(update_fields=["language"])
    admin = _membership(tenant, tenant.admin)

    response = admin_client_org.post(
        f"{_members_url(tenant)}{admin.pk}/active/", {"active": "0"}, follow=True
    )

    assert LAST_ADMIN_NB in response.content.decode()


def test_an_inactive_admin_does_not_count_as_the_remaining_admin(tenant, admin_client_org):
    MembershipFactory(
        organization=tenant.org,
        user=UserFactory(email="gone@example.com"),
        role="admin",
        is_active=False,
    )
    admin = _membership(tenant, tenant.admin)

    admin_client_org.post(f"{_members_url(tenant)}{admin.pk}/role/", {"role": "caseworker"})

    admin.refresh_from_db()
    assert admin.role == "admin"


def test_an_admin_can_step_down_when_another_active_admin_remains(tenant, admin_client_org):
    MembershipFactory(
        organization=tenant.org, user=UserFactory(email="second@example.com"), role="admin"
    )
    admin = _membership(tenant, tenant.admin)

    admin_client_org.post(f"{_members_url(tenant)}{admin.pk}/role/", {"role": "caseworker"})

    admin.refresh_from_db()
    assert admin.role == "caseworker"


@pytest.mark.parametrize("role", ["caseworker", "supplier"])
def test_admins_of_another_organization_do_not_count_for_the_last_admin_rule(
    tenant, other_tenant, role
):
    b_admin = _membership(other_tenant, other_tenant.admin)

    with pytest.raises(ValidationError, match="at least one active administrator"):
        services.member_change_role(
            org=other_tenant.org, actor=other_tenant.admin, membership=b_admin, role=role
        )
