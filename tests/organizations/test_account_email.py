"""Invitations and password resets go through the outbox: a row in the organization's outbox,
sent after commit, in the recipient's language, with links built from settings.SITE_URL."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import transaction

from notifications.models import OutboundMessage
from organizations import services
from organizations.models import User
from tests.factories.organizations import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://saksflyt.example"


def test_invitation_is_an_outbox_row_of_the_organization(
    tenant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.member_invite(
            org=tenant.org,
            actor=tenant.admin,
            email="ny@example.com",
            full_name="Nina Ny",
            role="caseworker",
            site_url="https://saksflyt.example",
        )

    row = OutboundMessage.objects.get()
    assert row.organization == tenant.org
    assert row.kind == OutboundMessage.Kind.INVITATION
    assert row.to == "ny@example.com"
    assert row.created_by == tenant.admin
    assert row.status == OutboundMessage.Status.SENT
    assert row.reply_to == ""  # a reply must not become an inquiry
    assert "Hello Nina Ny" in row.body_text
    assert "Admin Alpha Bolig has invited you to Alpha Bolig" in row.body_text
    assert re.search(r"https://saksflyt\.example/accounts/reset/\S+/", row.body_text)


def test_invitation_of_an_existing_user_links_to_the_invitation_page(
    tenant, other_tenant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.member_invite(
            org=tenant.org,
            actor=tenant.admin,
            email=other_tenant.admin.email,
            role="caseworker",
            site_url="https://saksflyt.example",
        )

    body = OutboundMessage.objects.get().body_text
    assert f"https://saksflyt.example/{tenant.org.slug}/invitation/" in body
    assert "accept or decline" in body
    assert "/accounts/reset/" not in body
    assert "choose your password" not in body.lower()


def test_invitation_is_in_the_invitees_language(tenant, django_capture_on_commit_callbacks):
    UserFactory(email="sven@example.com", language="sv")

    services.member_invite(
        org=tenant.org,
        actor=tenant.admin,
        email="sven@example.com",
        role="caseworker",
        site_url="https://saksflyt.example",
    )

    assert OutboundMessage.objects.get().language == "sv"


def test_a_failed_invitation_queues_nothing(tenant):
    with pytest.raises(Exception):  # noqa: B017 - the service refuses an existing member
        services.member_invite(
            org=tenant.org,
            actor=tenant.admin,
            email=tenant.caseworker.email,
            role="caseworker",
            site_url="https://saksflyt.example",
        )
    assert not OutboundMessage.objects.exists()


def test_a_rolled_back_invitation_sends_nothing(tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.member_invite(
                    org=tenant.org,
                    actor=tenant.admin,
                    email="ny@example.com",
                    role="caseworker",
                    site_url="https://saksflyt.example",
                )
                raise RuntimeError
        except RuntimeError:
            pass
    assert not OutboundMessage.objects.exists()
    assert mail.outbox == []


def test_password_reset_ignores_a_forged_host_header(
    tenant, client, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["*"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/password-reset/",
            {"email": tenant.caseworker.email},
            HTTP_HOST="evil.example",
        )

    row = OutboundMessage.objects.get()
    assert row.kind == OutboundMessage.Kind.PASSWORD_RESET
    assert row.organization == tenant.org
    assert "evil.example" not in row.body_text
    assert re.search(r"https://saksflyt\.example/accounts/reset/\S+/", row.body_text)
    assert row.headers["Auto-Submitted"] == "auto-generated"


def test_password_reset_is_in_the_users_language(
    tenant, client, django_capture_on_commit_callbacks
):
    tenant.caseworker.language = "da"
    tenant.caseworker.save()

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password-reset/", {"email": tenant.caseworker.email})

    assert OutboundMessage.objects.get().language == "da"


def test_password_reset_comes_from_the_users_first_organization(
    client, db, django_capture_on_commit_callbacks
):
    user = UserFactory(email="two@example.com")
    second = OrganizationFactory(slug="zeta", name="Zeta")
    first = OrganizationFactory(slug="aaa", name="Aaa")
    MembershipFactory(organization=second, user=user)
    MembershipFactory(organization=first, user=user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password-reset/", {"email": "two@example.com"})

    assert OutboundMessage.objects.get().organization == first


def test_invited_member_whose_link_ran_out_can_ask_for_a_new_one(
    tenant, client, django_capture_on_commit_callbacks
):
    invitee = User.objects.create_user(email="late@example.com", password=None)
    MembershipFactory(organization=tenant.org, user=invitee)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password-reset/", {"email": "late@example.com"})

    assert OutboundMessage.objects.get().to == "late@example.com"


def test_password_reset_for_a_user_without_organization_uses_plain_mail(
    client, db, django_capture_on_commit_callbacks
):
    UserFactory(email="root@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password-reset/", {"email": "root@example.com"})

    assert not OutboundMessage.objects.exists()
    assert mail.outbox[0].to == ["root@example.com"]
    assert "https://saksflyt.example/accounts/reset/" in mail.outbox[0].body


def test_password_reset_of_an_inactive_user_sends_nothing(
    tenant, client, django_capture_on_commit_callbacks
):
    tenant.caseworker.is_active = False
    tenant.caseworker.save()

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password-reset/", {"email": tenant.caseworker.email})

    assert not OutboundMessage.objects.exists()
    assert mail.outbox == []
