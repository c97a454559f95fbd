from organizations.models import Membership
from organizations.selectors import active_members, staff_members
from tests.factories.organizations import MembershipFactory


def test_staff_members_ignores_roles_held_in_other_organizations(tenant, other_tenant):
    # The tenant's supplier is a caseworker elsewhere: that must not make them staff here.
    MembershipFactory(
        organization=other_tenant.org, user=tenant.supplier, role=Membership.Role.CASEWORKER
    )
    staff = list(staff_members(tenant.org))
    assert tenant.supplier not in staff
    assert sorted(u.pk for u in staff) == sorted([tenant.admin.pk, tenant.caseworker.pk])


def test_member_of_several_organizations_is_listed_once(tenant, other_tenant):
    MembershipFactory(organization=other_tenant.org, user=tenant.caseworker)
    assert list(active_members(tenant.org)).count(tenant.caseworker) == 1
    assert list(staff_members(tenant.org)).count(tenant.caseworker) == 1


def test_deactivated_membership_is_not_listed(tenant):
    Membership.objects.filter(user=tenant.caseworker).update(is_active=False)
    assert tenant.caseworker not in active_members(tenant.org)


def test_member_and_team_services_refuse_another_organizations_objects(tenant, other_tenant):
    import pytest
    from django.core.exceptions import ValidationError

    from organizations import services
    from tests.factories.organizations import TeamFactory

    theirs = Membership.objects.get(organization=other_tenant.org, user=other_tenant.caseworker)
    their_team = TeamFactory(organization=other_tenant.org)
    with pytest.raises(ValidationError):
        services.member_change_role(
            org=tenant.org, actor=tenant.admin, membership=theirs, role=Membership.Role.SUPPLIER
        )
    with pytest.raises(ValidationError):
        services.member_set_active(
            org=tenant.org, actor=tenant.admin, membership=theirs, active=False
        )
    with pytest.raises(ValidationError):
        services.team_delete(org=tenant.org, actor=tenant.admin, team=their_team)
    theirs.refresh_from_db()
    assert theirs.role == Membership.Role.CASEWORKER and theirs.is_active
