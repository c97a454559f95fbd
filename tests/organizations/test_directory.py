"""organizations/directory.py: the pickers' lists are cached per organization and forgotten by
every change that shows in them, signals and bulk writes alike."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Category, Tag
from cases.selectors.lists import category_choices, supplier_choices, tag_list, team_choices
from cases.services.categories import category_ensure_defaults
from customers.models import Supplier
from inquiries.services.rules import bulk_category_set
from organizations.models import Membership
from organizations.selectors import staff_list
from organizations.services import member_change_role, member_set_active
from organizations.tenancy import organization_scope
from tests.factories.organizations import MembershipFactory, TeamFactory, UserFactory


def names(rows) -> list[str]:
    return [str(row) for row in rows]


def read(org, reader):
    with organization_scope(org):
        return reader(org)


def queries_of(org, reader) -> int:
    with CaptureQueriesContext(connection) as captured:
        read(org, reader)
    return len([q for q in captured if q["sql"].lstrip().upper().startswith("SELECT")])


@pytest.mark.parametrize(
    "reader", [staff_list, tag_list, team_choices, category_choices, supplier_choices]
)
def test_a_second_read_comes_from_the_cache(tenant, reader):
    first = read(tenant.org, reader)
    assert queries_of(tenant.org, reader) == 0
    assert [r.pk for r in read(tenant.org, reader)] == [r.pk for r in first]


def test_each_organization_has_its_own_lists(tenant, other_tenant):
    Tag.objects.create(organization=tenant.org, name="ours")
    Tag.objects.create(organization=other_tenant.org, name="theirs")
    assert names(read(tenant.org, tag_list)) == ["ours"]
    assert names(read(other_tenant.org, tag_list)) == ["theirs"]
    assert {u.pk for u in read(tenant.org, staff_list)} == {tenant.admin.pk, tenant.caseworker.pk}
    assert {u.pk for u in read(other_tenant.org, staff_list)} == {
        other_tenant.admin.pk,
        other_tenant.caseworker.pk,
    }


def test_tags_teams_and_suppliers_show_at_once_after_a_change(tenant):
    for reader in (tag_list, team_choices, supplier_choices):
        read(tenant.org, reader)  # cached
    tag = Tag.objects.create(organization=tenant.org, name="lekkasje")
    team = TeamFactory(organization=tenant.org, name="Drift")
    supplier = Supplier.objects.create(organization=tenant.org, name="Rørlegger AS")
    assert "lekkasje" in names(read(tenant.org, tag_list))
    assert "Drift" in names(read(tenant.org, team_choices))
    assert "Rørlegger AS" in names(read(tenant.org, supplier_choices))
    tag.delete()
    team.name = "Drift og vedlikehold"
    team.save()
    supplier.delete()
    assert "lekkasje" not in names(read(tenant.org, tag_list))
    assert "Drift og vedlikehold" in names(read(tenant.org, team_choices))
    assert "Rørlegger AS" not in names(read(tenant.org, supplier_choices))


def test_staff_follows_roles_activity_and_names(tenant):
    read(tenant.org, staff_list)
    newcomer = UserFactory(email="ny@alpha.example", full_name="Nora Ny")
    membership = MembershipFactory(organization=tenant.org, user=newcomer)
    assert "Nora Ny" in names(read(tenant.org, staff_list))
    newcomer.full_name = "Nora Nyhus"
    newcomer.save()
    assert "Nora Nyhus" in names(read(tenant.org, staff_list))
    member_change_role(
        org=tenant.org, actor=tenant.admin, membership=membership, role=Membership.Role.SUPPLIER
    )
    assert newcomer.pk not in {u.pk for u in read(tenant.org, staff_list)}
    member_change_role(
        org=tenant.org, actor=tenant.admin, membership=membership, role=Membership.Role.CASEWORKER
    )
    member_set_active(org=tenant.org, actor=tenant.admin, membership=membership, active=False)
    assert newcomer.pk not in {u.pk for u in read(tenant.org, staff_list)}


def test_bulk_writes_forget_the_categories(tenant):
    Category.objects.filter(organization=tenant.org).delete()
    assert read(tenant.org, category_choices) == []
    category_ensure_defaults(tenant.org)  # bulk_create: no signal
    categories = read(tenant.org, category_choices)
    assert len(categories) == 5
    other = next(c for c in categories if not c.is_bulk_default)
    bulk_category_set(org=tenant.org, actor=tenant.admin, category=other)
    after = {c.pk: c.is_bulk_default for c in read(tenant.org, category_choices)}
    assert after[other.pk] is True
    assert sum(after.values()) == 1


def test_the_case_list_filter_offers_a_new_tag_at_once(tenant, staff_client, outsider_client):
    assert "Vannskade" not in staff_client.get("/alpha/cases/").content.decode()
    Tag.objects.create(organization=tenant.org, name="Vannskade")
    assert "Vannskade" in staff_client.get("/alpha/cases/").content.decode()
    assert outsider_client.get("/alpha/cases/").status_code == 404
