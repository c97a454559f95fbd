"""The organization switcher in the top bar and the `/` landing redirect."""

from __future__ import annotations

from django.test import Client


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_member_of_two_organizations_sees_both_in_the_top_bar(tenant, other_tenant, member_of_both):
    html = _client(member_of_both).get(f"/{tenant.org.slug}/").content.decode()

    switcher = html[html.index('class="dropdown org-switcher"') :]
    switcher = switcher[: switcher.index("</details>")]
    assert f'href="/{tenant.org.slug}/" aria-current="true">{tenant.org.name}</a>' in switcher
    assert f'href="/{other_tenant.org.slug}/">{other_tenant.org.name}</a>' in switcher


def test_member_of_one_organization_sees_no_switcher(tenant, staff_client):
    html = staff_client.get(f"/{tenant.org.slug}/").content.decode()

    assert "org-switcher" not in html
    assert tenant.org.name in html


def test_switcher_leaves_out_organizations_where_membership_is_inactive(
    tenant, other_tenant, member_of_both
):
    member_of_both.memberships.filter(organization=other_tenant.org).update(is_active=False)

    html = _client(member_of_both).get(f"/{tenant.org.slug}/").content.decode()

    assert "org-switcher" not in html
    assert other_tenant.org.name not in html


def test_home_redirects_to_the_last_used_organization(tenant, other_tenant, member_of_both):
    client = _client(member_of_both)

    client.get(f"/{other_tenant.org.slug}/")
    assert client.get("/")["Location"] == f"/{other_tenant.org.slug}/"

    client.get(f"/{tenant.org.slug}/")
    assert client.get("/")["Location"] == f"/{tenant.org.slug}/"


def test_home_redirects_to_the_first_organization_by_name_before_any_visit(
    tenant, other_tenant, member_of_both
):
    # "Alpha Bolig" sorts before "Beta Avfall".
    assert _client(member_of_both).get("/")["Location"] == f"/{tenant.org.slug}/"


def test_home_ignores_a_last_used_organization_the_user_has_left(
    tenant, other_tenant, member_of_both
):
    client = _client(member_of_both)
    client.get(f"/{other_tenant.org.slug}/")
    member_of_both.memberships.filter(organization=other_tenant.org).update(is_active=False)

    assert client.get("/")["Location"] == f"/{tenant.org.slug}/"


def test_home_sends_a_supplier_to_their_work_page(tenant):
    client = tenant.client_for(tenant.supplier)

    assert client.get("/")["Location"] == f"/{tenant.org.slug}/work/"
