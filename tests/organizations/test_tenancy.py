"""Organization isolation: everything under /<org-slug>/ belongs to that organization's members.

Outsiders get 404 (never 403, so slugs and ids leak nothing), anonymous users are sent to sign
in, and members whose role may not use a page get 403.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from organizations.models import Membership, Team
from tests.factories.organizations import TeamFactory, UserFactory

ORG_PREFIX = "<slug:org_slug>/"

# Foundation pages under the organization prefix, by method.
GET_PAGES = [
    "",
    "cases/",
    "work/",
    "settings/",
    "settings/organization/",
    "settings/members/",
    "settings/teams/",
    "settings/teams/new/",
    "settings/messages/",
    "settings/messages/mention/nb/",
    "me/notifications/",
]
ADMIN_PAGES = [
    "settings/",
    "settings/organization/",
    "settings/members/",
    "settings/teams/",
    "settings/teams/new/",
    "settings/messages/",
    "settings/messages/mention/nb/",
]


@pytest.fixture
def team_b(other_tenant):
    return TeamFactory(organization=other_tenant.org, name="Beta crew")


@pytest.fixture
def team_a(tenant):
    return TeamFactory(organization=tenant.org, name="Alpha crew")


def _membership(tenant, user) -> Membership:
    return Membership.objects.get(organization=tenant.org, user=user)


def _object_posts(tenant_b, team_b) -> list[tuple[str, dict]]:
    """Every organization-B write of the foundation, with a valid body, as (path, data)."""
    m = _membership(tenant_b, tenant_b.caseworker)
    return [
        (f"settings/members/{m.pk}/role/", {"role": "admin"}),
        (f"settings/members/{m.pk}/active/", {"active": "0"}),
        (f"settings/teams/{team_b.pk}/", {"name": "Hijacked"}),
        (f"settings/teams/{team_b.pk}/delete/", {}),
        ("settings/members/", {"email": "spy@example.com", "role": "admin"}),
        ("settings/teams/new/", {"name": "Spies"}),
        ("settings/organization/", {"name": "Hijacked"}),
    ]


# --- A member of organization A on organization B's URLs -----------------------------------


@pytest.mark.parametrize("page", GET_PAGES)
def test_outsider_gets_404_for_every_page_of_another_organization(
    tenant, other_tenant, admin_client_org, page
):
    response = admin_client_org.get(f"/{other_tenant.org.slug}/{page}")

    assert response.status_code == 404


def test_outsider_gets_404_for_every_write_of_another_organization(
    tenant, other_tenant, admin_client_org, team_b
):
    for page, data in _object_posts(other_tenant, team_b):
        response = admin_client_org.post(f"/{other_tenant.org.slug}/{page}", data)
        assert response.status_code == 404, page

    other_tenant.org.refresh_from_db()
    team_b.refresh_from_db()
    assert other_tenant.org.name == "Beta Avfall"
    assert team_b.name == "Beta crew"
    assert _membership(other_tenant, other_tenant.caseworker).role == "caseworker"
    assert _membership(other_tenant, other_tenant.caseworker).is_active
    assert not Membership.objects.filter(user__email="spy@example.com").exists()
    assert not Team.objects.filter(name="Spies").exists()


def test_outsider_gets_404_for_team_edit_of_another_organization(
    tenant, other_tenant, admin_client_org, team_b
):
    response = admin_client_org.get(f"/{other_tenant.org.slug}/settings/teams/{team_b.pk}/")

    assert response.status_code == 404


def test_outsider_gets_404_for_own_membership_id_through_the_other_prefix(
    tenant, other_tenant, admin_client_org
):
    own = _membership(tenant, tenant.caseworker)
    prefix = f"/{other_tenant.org.slug}/settings/members/{own.pk}"

    assert admin_client_org.post(f"{prefix}/role/", {"role": "admin"}).status_code == 404
    assert admin_client_org.post(f"{prefix}/active/", {"active": "0"}).status_code == 404
    own.refresh_from_db()
    assert (own.role, own.is_active) == ("caseworker", True)


def test_outsider_gets_404_for_own_team_id_through_the_other_prefix(
    tenant, other_tenant, admin_client_org, team_a
):
    prefix = f"/{other_tenant.org.slug}/settings/teams/{team_a.pk}"

    assert admin_client_org.get(f"{prefix}/").status_code == 404
    assert admin_client_org.post(f"{prefix}/", {"name": "Renamed"}).status_code == 404
    assert admin_client_org.post(f"{prefix}/delete/").status_code == 404
    assert Team.objects.filter(pk=team_a.pk, name="Alpha crew").exists()


def test_admin_gets_404_for_another_organizations_ids_through_own_prefix(
    tenant, other_tenant, admin_client_org, team_b
):
    """The org check passes here; the object lookup itself must be scoped to the organization."""
    foreign = _membership(other_tenant, other_tenant.caseworker)
    prefix = f"/{tenant.org.slug}/settings"

    assert (
        admin_client_org.post(f"{prefix}/members/{foreign.pk}/role/", {"role": "admin"}).status_code
        == 404
    )
    assert (
        admin_client_org.post(f"{prefix}/members/{foreign.pk}/active/", {"active": "0"}).status_code
        == 404
    )
    assert admin_client_org.get(f"{prefix}/teams/{team_b.pk}/").status_code == 404
    assert (
        admin_client_org.post(f"{prefix}/teams/{team_b.pk}/", {"name": "Mine"}).status_code == 404
    )
    assert admin_client_org.post(f"{prefix}/teams/{team_b.pk}/delete/").status_code == 404
    foreign.refresh_from_db()
    assert (foreign.role, foreign.is_active) == ("caseworker", True)
    assert Team.objects.filter(pk=team_b.pk, name="Beta crew").exists()


def test_outsider_sees_the_same_404_for_an_unknown_organization(tenant, admin_client_org):
    """A real slug and a made-up one answer alike, so slugs cannot be probed."""
    assert admin_client_org.get("/no-such-org/").status_code == 404


def test_deactivated_member_gets_404(tenant):
    Membership.objects.filter(organization=tenant.org, user=tenant.caseworker).update(
        is_active=False
    )
    client = tenant.client_for(tenant.caseworker)

    assert client.get(f"/{tenant.org.slug}/").status_code == 404


# --- Users with no membership at all, and anonymous users ----------------------------------


@pytest.mark.parametrize("page", GET_PAGES)
def test_user_without_membership_gets_404(tenant, client, page):
    client.force_login(UserFactory(email="nobody@example.com"))

    assert client.get(f"/{tenant.org.slug}/{page}").status_code == 404


def test_user_without_membership_is_sent_to_the_no_organization_page(client, db):
    client.force_login(UserFactory(email="nobody@example.com"))

    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/no-organization/"
    assert b"You are not a member of any organization" in response.content


@pytest.mark.parametrize("page", GET_PAGES)
def test_anonymous_user_is_redirected_to_sign_in(tenant, client, page):
    response = client.get(f"/{tenant.org.slug}/{page}")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/{tenant.org.slug}/{page}"


def test_anonymous_user_is_redirected_to_sign_in_from_home(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_anonymous_post_changes_nothing(tenant, client):
    admin = _membership(tenant, tenant.admin)

    response = client.post(
        f"/{tenant.org.slug}/settings/members/{admin.pk}/role/", {"role": "supplier"}
    )

    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.role == "admin"


# --- Roles inside the organization ---------------------------------------------------------


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_supplier_gets_403_on_admin_settings(tenant, page):
    client = tenant.client_for(tenant.supplier)

    assert client.get(f"/{tenant.org.slug}/{page}").status_code == 403


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_caseworker_gets_403_on_admin_settings(tenant, staff_client, page):
    assert staff_client.get(f"/{tenant.org.slug}/{page}").status_code == 403


def test_caseworker_gets_403_on_member_and_team_writes(tenant, staff_client, team_a):
    admin = _membership(tenant, tenant.admin)
    prefix = f"/{tenant.org.slug}/settings"

    assert (
        staff_client.post(f"{prefix}/members/{admin.pk}/role/", {"role": "supplier"}).status_code
        == 403
    )
    assert (
        staff_client.post(f"{prefix}/members/{admin.pk}/active/", {"active": "0"}).status_code
        == 403
    )
    assert staff_client.post(f"{prefix}/teams/{team_a.pk}/delete/").status_code == 403
    admin.refresh_from_db()
    assert (admin.role, admin.is_active) == ("admin", True)
    assert Team.objects.filter(pk=team_a.pk).exists()


def test_supplier_gets_403_on_the_staff_inbox_and_may_use_own_work_page(tenant):
    client = tenant.client_for(tenant.supplier)

    assert client.get(f"/{tenant.org.slug}/").status_code == 403
    assert client.get(f"/{tenant.org.slug}/work/").status_code == 200


def test_admin_and_caseworker_reach_the_inbox(tenant, admin_client_org, staff_client):
    assert admin_client_org.get(f"/{tenant.org.slug}/").status_code == 200
    assert staff_client.get(f"/{tenant.org.slug}/").status_code == 200


def test_admin_reaches_every_settings_page(tenant, admin_client_org):
    for page in ADMIN_PAGES:
        response = admin_client_org.get(f"/{tenant.org.slug}/{page}", follow=True)
        assert response.status_code == 200, page


# --- Every URL under the organization prefix, including those added by other apps ----------

_SAMPLE = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": str(uuid.UUID(int=1))}


def _org_routes() -> list[str]:
    """All routes below /<org_slug>/, with sample values for their parameters."""
    org_resolver = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and str(p.pattern) == ORG_PREFIX
    )
    routes: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                assert not route.startswith("^"), f"use path(), not re_path(): {route}"
                routes.append(
                    re.sub(r"<(?:(\w+):)?\w+>", lambda m: _SAMPLE[m.group(1) or "str"], route)
                )

    walk(org_resolver.url_patterns, "")
    return routes


def test_every_url_under_the_organization_prefix_answers_404_to_outsiders(
    tenant, other_tenant, admin_client_org
):
    routes = _org_routes()
    assert "settings/members/1/role/" in routes

    for route in routes:
        url = f"/{other_tenant.org.slug}/{route}"
        get = admin_client_org.get(url).status_code
        post = admin_client_org.post(url).status_code
        # 405 comes from the method check before the organization is looked at: it leaks nothing.
        assert {get, post} <= {404, 405} and 404 in {get, post}, (url, get, post)


def test_every_url_under_the_organization_prefix_sends_anonymous_users_to_sign_in(tenant, client):
    for route in _org_routes():
        url = f"/{tenant.org.slug}/{route}"
        get = client.get(url)
        post = client.post(url)
        for response in (get, post):
            assert response.status_code in (302, 405), (url, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/accounts/login/"), url
