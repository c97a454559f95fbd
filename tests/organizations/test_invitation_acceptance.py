"""An existing user invited to another organization becomes a member only by accepting.

Until then the organization's pages answer 404 to them, and the member list shows the
invitation by e-mail address only, never the name the user gave elsewhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from organizations import services
from organizations.models import Invitation, Membership
from tests.factories.organizations import UserFactory

EXPIRED_EN = "This invitation has expired. Ask an administrator of Alpha Bolig to invite you again."
EXPIRED_NB = (
    "Denne invitasjonen har utløpt. Be en administrator i Alpha Bolig om å invitere deg på nytt."
)


@pytest.fixture
def invitee(other_tenant):
    """A caseworker of Beta, who calls himself something Alpha's admins did not type."""
    user = other_tenant.caseworker
    user.full_name = "Secret Name Elsewhere"
    user.save(update_fields=["full_name"])
    return user


@pytest.fixture
def invitation(tenant, invitee, django_capture_on_commit_callbacks) -> Invitation:
    with django_capture_on_commit_callbacks(execute=True):
        tenant.client_for(tenant.admin).post(
            f"/{tenant.org.slug}/settings/members/",
            {"email": invitee.email.upper(), "full_name": "Typed By Admin", "role": "admin"},
        )
    return Invitation.objects.get(organization=tenant.org, user=invitee)


def _page(tenant) -> str:
    return f"/{tenant.org.slug}/invitation/"


def _is_member(tenant, user) -> bool:
    return Membership.objects.filter(organization=tenant.org, user=user, is_active=True).exists()


def test_existing_user_is_no_member_before_accepting(tenant, invitee, invitation):
    client = tenant.client_for(invitee)

    assert not _is_member(tenant, invitee)
    assert not Membership.objects.filter(organization=tenant.org, user=invitee).exists()
    assert client.get(f"/{tenant.org.slug}/").status_code == 404
    assert client.get(f"/{tenant.org.slug}/settings/members/").status_code == 404
    invitee.refresh_from_db()
    assert invitee.full_name == "Secret Name Elsewhere"  # the admin's typing changes nothing
    assert invitation.role == "admin"
    assert invitation.expires_at - invitation.invited_at == timedelta(days=14)


def test_the_email_links_to_the_invitation_page(tenant, invitee, invitation):
    assert len(mail.outbox) == 1
    assert f"/{tenant.org.slug}/invitation/" in mail.outbox[0].body


def test_the_invitee_sees_the_invitation_and_becomes_a_member_on_accept(
    tenant, invitee, invitation
):
    client = tenant.client_for(invitee)

    page = client.get(_page(tenant))
    assert page.status_code == 200
    html = page.content.decode()
    assert "You are invited to Alpha Bolig as Administrator" in html
    assert "Accept" in html and "Decline" in html

    response = client.post(f"{_page(tenant)}accept/")

    assert response.status_code == 302
    assert _is_member(tenant, invitee)
    assert Membership.objects.get(organization=tenant.org, user=invitee).role == "admin"
    assert not Invitation.objects.exists()
    assert client.get(f"/{tenant.org.slug}/").status_code == 200
    # The invitation is used up.
    assert client.get(_page(tenant)).status_code == 404


def test_the_invitee_sees_the_invitation_on_the_no_organization_page(tenant, db):
    loner = UserFactory(email="loner@example.com")
    Invitation.objects.create(
        organization=tenant.org,
        user=loner,
        email=loner.email,
        role="caseworker",
        expires_at=timezone.now() + timedelta(days=14),
    )

    html = tenant.client_for(loner).get("/", follow=True).content.decode()

    assert f'href="/{tenant.org.slug}/invitation/"' in html
    assert "Invitation to Alpha Bolig" in html


def test_decline_removes_the_invitation(tenant, invitee, invitation):
    client = tenant.client_for(invitee)

    response = client.post(f"{_page(tenant)}decline/")

    assert response.status_code == 302
    assert not Invitation.objects.exists()
    assert not Membership.objects.filter(organization=tenant.org, user=invitee).exists()
    assert client.get(_page(tenant)).status_code == 404


def test_another_user_cannot_accept_someone_elses_invitation(
    tenant, other_tenant, invitee, invitation
):
    intruder = other_tenant.admin
    client = tenant.client_for(intruder)

    assert client.get(_page(tenant)).status_code == 404
    assert client.post(f"{_page(tenant)}accept/").status_code == 404
    assert client.post(f"{_page(tenant)}decline/").status_code == 404
    assert not _is_member(tenant, intruder)
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    with pytest.raises(ValidationError):
        services.invitation_accept(user=intruder, invitation=invitation)
    assert not Membership.objects.filter(organization=tenant.org, user=intruder).exists()


def test_member_list_shows_the_pending_invitation_without_the_foreign_name(
    tenant, invitee, invitation, admin_client_org
):
    html = admin_client_org.get(f"/{tenant.org.slug}/settings/members/").content.decode()

    assert "Pending invitations" in html
    assert invitee.email in html
    assert "Secret Name Elsewhere" not in html
    assert "Typed By Admin" not in html


def test_admin_withdraws_an_invitation(tenant, invitee, invitation, admin_client_org):
    url = f"/{tenant.org.slug}/settings/members/invitations/{invitation.pk}/withdraw/"

    assert admin_client_org.post(url).status_code == 302

    assert not Invitation.objects.exists()
    assert tenant.client_for(invitee).get(_page(tenant)).status_code == 404


def test_an_outsider_gets_404_on_the_new_pages(tenant, other_tenant, invitation):
    # (the fixture's `outsider`, Beta's caseworker, is the invitee here)
    other_admin = other_tenant.client_for(other_tenant.admin)
    outsider_client = other_tenant.client_for(other_tenant.supplier)
    withdraw = f"/{tenant.org.slug}/settings/members/invitations/{invitation.pk}/withdraw/"

    for client in (outsider_client, other_admin):
        assert client.get(_page(tenant)).status_code == 404
        assert client.post(f"{_page(tenant)}accept/").status_code == 404
        assert client.post(f"{_page(tenant)}decline/").status_code == 404
        assert client.post(withdraw).status_code == 404
    # Beta's admin cannot withdraw Alpha's invitation through Beta's own prefix either.
    through_own = f"/{other_tenant.org.slug}/settings/members/invitations/{invitation.pk}/withdraw/"
    assert other_admin.post(through_own).status_code == 404
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_anonymous_user_is_sent_to_sign_in(tenant, invitation, client):
    response = client.get(_page(tenant))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={_page(tenant)}"


def test_an_expired_invitation_is_refused(tenant, invitee, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    client = tenant.client_for(invitee)

    response = client.post(f"{_page(tenant)}accept/", follow=True)

    assert EXPIRED_EN in response.content.decode()
    assert "Accept</button>" not in response.content.decode()
    assert not _is_member(tenant, invitee)


def test_an_expired_invitation_is_refused_in_the_users_language(
    tenant, invitee, invitation, compiled_catalogues
):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    invitee.language = "nb"
    invitee.save(update_fields=["language"])

    response = tenant.client_for(invitee).post(f"{_page(tenant)}accept/", follow=True)

    assert EXPIRED_NB in response.content.decode()
    assert not _is_member(tenant, invitee)


def test_inviting_again_renews_the_invitation(
    tenant, invitee, invitation, admin_client_org, django_capture_on_commit_callbacks
):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        admin_client_org.post(
            f"/{tenant.org.slug}/settings/members/", {"email": invitee.email, "role": "supplier"}
        )

    renewed = Invitation.objects.get()
    assert renewed.role == "supplier" and not renewed.is_expired
    assert len(mail.outbox) == 2


def test_a_new_user_keeps_the_set_password_flow(tenant, admin_client_org):
    services.member_invite(
        org=tenant.org,
        actor=tenant.admin,
        email="brand.new@example.com",
        full_name="Brand New",
        role="caseworker",
        site_url="https://saksflyt.example",
    )

    assert not Invitation.objects.exists()
    assert Membership.objects.get(organization=tenant.org, user__email="brand.new@example.com")
