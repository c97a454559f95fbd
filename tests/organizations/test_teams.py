"""Teams in the organization settings: create, edit, delete; names unique; members from the org."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from organizations import services
from organizations.models import Membership, Team
from tests.factories.organizations import TeamFactory


def _teams_url(tenant) -> str:
    return f"/{tenant.org.slug}/settings/teams/"


def test_admin_creates_a_team_with_members(tenant, admin_client_org):
    response = admin_client_org.post(
        f"{_teams_url(tenant)}new/",
        {"name": "Reklamasjon", "members": [tenant.caseworker.pk, tenant.supplier.pk]},
        follow=True,
    )

    team = Team.objects.get(organization=tenant.org, name="Reklamasjon")
    assert set(team.members.all()) == {tenant.caseworker, tenant.supplier}
    assert response.redirect_chain[-1][0] == _teams_url(tenant)
    assert "Team saved." in response.content.decode()
    assert "Reklamasjon" in response.content.decode()


def test_admin_edits_a_teams_name_and_members(tenant, admin_client_org):
    team = TeamFactory(organization=tenant.org, name="Service")
    team.members.add(tenant.caseworker)

    admin_client_org.post(
        f"{_teams_url(tenant)}{team.pk}/", {"name": "Kundeservice", "members": [tenant.admin.pk]}
    )

    team.refresh_from_db()
    assert team.name == "Kundeservice"
    assert list(team.members.all()) == [tenant.admin]


def test_team_edit_page_shows_the_current_values(tenant, admin_client_org):
    team = TeamFactory(organization=tenant.org, name="Drift")
    team.members.add(tenant.caseworker)

    response = admin_client_org.get(f"{_teams_url(tenant)}{team.pk}/")

    html = response.content.decode()
    assert 'value="Drift"' in html
    assert f'value="{tenant.caseworker.pk}"' in html


def test_admin_deletes_a_team(tenant, admin_client_org):
    team = TeamFactory(organization=tenant.org, name="Old")

    response = admin_client_org.post(f"{_teams_url(tenant)}{team.pk}/delete/", follow=True)

    assert not Team.objects.filter(pk=team.pk).exists()
    assert "Team deleted." in response.content.decode()


def test_team_delete_needs_post(tenant, admin_client_org):
    team = TeamFactory(organization=tenant.org, name="Old")

    assert admin_client_org.get(f"{_teams_url(tenant)}{team.pk}/delete/").status_code == 405
    assert Team.objects.filter(pk=team.pk).exists()


def test_duplicate_team_name_is_refused_whatever_the_case(tenant, admin_client_org):
    TeamFactory(organization=tenant.org, name="Drift")

    response = admin_client_org.post(f"{_teams_url(tenant)}new/", {"name": "drift"})

    assert response.status_code == 200
    assert "A team with this name already exists." in response.content.decode()
    assert Team.objects.filter(organization=tenant.org).count() == 1


def test_renaming_a_team_onto_another_teams_name_is_refused(tenant, admin_client_org):
    TeamFactory(organization=tenant.org, name="Drift")
    team = TeamFactory(organization=tenant.org, name="Service")

    response = admin_client_org.post(f"{_teams_url(tenant)}{team.pk}/", {"name": "DRIFT"})

    assert "A team with this name already exists." in response.content.decode()
    team.refresh_from_db()
    assert team.name == "Service"


def test_saving_a_team_under_its_own_name_is_allowed(tenant, admin_client_org):
    team = TeamFactory(organization=tenant.org, name="Drift")

    response = admin_client_org.post(f"{_teams_url(tenant)}{team.pk}/", {"name": "Drift"})

    assert response.status_code == 302


def test_the_same_team_name_may_exist_in_another_organization(
    tenant, other_tenant, admin_client_org
):
    TeamFactory(organization=other_tenant.org, name="Drift")

    response = admin_client_org.post(f"{_teams_url(tenant)}new/", {"name": "Drift"})

    assert response.status_code == 302
    assert Team.objects.filter(name="Drift").count() == 2


def test_team_needs_a_name(tenant, admin_client_org):
    response = admin_client_org.post(f"{_teams_url(tenant)}new/", {"name": "  "})

    assert response.status_code == 200
    assert not Team.objects.exists()


def test_team_form_refuses_a_member_of_another_organization(tenant, other_tenant, admin_client_org):
    response = admin_client_org.post(
        f"{_teams_url(tenant)}new/",
        {"name": "Mixed", "members": [tenant.caseworker.pk, other_tenant.caseworker.pk]},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["members"]
    assert not Team.objects.filter(name="Mixed").exists()


def test_team_form_offers_only_active_members_of_the_organization(
    tenant, other_tenant, admin_client_org
):
    Membership.objects.filter(organization=tenant.org, user=tenant.supplier).update(is_active=False)

    response = admin_client_org.get(f"{_teams_url(tenant)}new/")

    offered = set(response.context["form"].fields["members"].queryset)
    assert offered == {tenant.admin, tenant.caseworker}


def test_team_service_refuses_a_member_of_another_organization(tenant, other_tenant):
    with pytest.raises(ValidationError, match="Only members of this organization"):
        services.team_save(
            org=tenant.org,
            actor=tenant.admin,
            name="Mixed",
            members=[tenant.caseworker, other_tenant.caseworker],
        )

    assert not Team.objects.filter(name="Mixed").exists()


def test_teams_page_lists_only_this_organizations_teams(tenant, other_tenant, admin_client_org):
    TeamFactory(organization=tenant.org, name="Alpha crew")
    TeamFactory(organization=other_tenant.org, name="Beta crew")

    html = admin_client_org.get(_teams_url(tenant)).content.decode()

    assert "Alpha crew" in html
    assert "Beta crew" not in html
