"""Link tables carry their organization (issue 10, organizations/links.py).

Every many-to-many link between rows of an organization is an explicit model with a NOT NULL
organization. PostgreSQL refuses a link whose sides are not both of the link's organization,
even when it is written by raw SQL; the services refuse it before, with the translated error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cases.mentions import mention_token
from cases.models import CaseContainer, CaseTag, CaseTeam, Note, NoteMention
from cases.services.bulk import cases_bulk_change
from cases.services.cases import case_change
from cases.services.notes import note_add
from cases.services.tags import case_tag_remove
from customers.models import SupplierUser
from customers.services import supplier_create, supplier_update
from inquiries.models import Channel, IntakeRuleAssignee, IntakeRuleTeam
from inquiries.services.intake import intake_rule_for
from inquiries.services.rules import intake_rule_update
from organizations.links import TenantLink, TenantManyToManyField
from organizations.models import Membership, TeamMember, User
from organizations.services import team_save
from tests.conftest import Tenant
from tests.factories.cases import TagFactory, make_case
from tests.factories.customers import SupplierFactory
from tests.factories.organizations import TeamFactory
from tests.factories.properties import ContainerFactory
from tests.markers import postgresql_only

pytestmark = pytest.mark.django_db

FOREIGN = "That belongs to another organization."
COMPOSITE_KEYS = "composite foreign keys and SET CONSTRAINTS"


def _note(t: Tenant) -> Note:
    return Note.objects.create(
        organization=t.org, case=make_case(t.org, t.caseworker), author=t.caseworker, body="Hi"
    )


@dataclass(frozen=True)
class Link:
    model: type[TenantLink]
    left: Callable[[Tenant], models.Model]  # the row owning the link (case, team...)
    right: Callable[[Tenant], models.Model]  # the row it links to (tag, user...)


LINKS = {
    "team members": Link(TeamMember, lambda t: TeamFactory(organization=t.org), lambda t: t.admin),
    "case teams": Link(
        CaseTeam,
        lambda t: make_case(t.org, t.caseworker),
        lambda t: TeamFactory(organization=t.org),
    ),
    "case containers": Link(
        CaseContainer,
        lambda t: make_case(t.org, t.caseworker),
        lambda t: ContainerFactory(property__organization=t.org),
    ),
    "case tags": Link(
        CaseTag, lambda t: make_case(t.org, t.caseworker), lambda t: TagFactory(organization=t.org)
    ),
    "note mentions": Link(NoteMention, _note, lambda t: t.admin),
    "supplier users": Link(
        SupplierUser, lambda t: SupplierFactory(organization=t.org), lambda t: t.supplier
    ),
    "intake rule assignees": Link(
        IntakeRuleAssignee, lambda t: intake_rule_for(t.org, Channel.EMAIL), lambda t: t.admin
    ),
    "intake rule teams": Link(
        IntakeRuleTeam,
        lambda t: intake_rule_for(t.org, Channel.EMAIL),
        lambda t: TeamFactory(organization=t.org),
    ),
}


def _sides(model: type[TenantLink]) -> tuple[models.ForeignKey, models.ForeignKey]:
    left, right = (
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.name != "organization"
    )
    return left, right


def _raw_link(model, organization_id: int, left_id: int, right_id: int) -> None:
    """Insert a link by hand and have PostgreSQL check its keys at once (they are deferred)."""
    left, right = _sides(model)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} (organization_id, {left.column}, {right.column})"
            " VALUES (%s, %s, %s)",
            [organization_id, left_id, right_id],
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.fixture
def immediate_checks_reset():
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_every_many_to_many_of_a_tenant_model_is_a_link_with_an_organization():
    tenant_links = set()
    for model in apps.get_models():
        if not any(f.name == "organization" for f in model._meta.concrete_fields):
            continue
        for field in model._meta.local_many_to_many:
            assert isinstance(field, TenantManyToManyField), f"{model.__name__}.{field.name}"
            through = field.remote_field.through
            assert issubclass(through, TenantLink), f"{model.__name__}.{field.name}"
            assert not through._meta.get_field("organization").null
            tenant_links.add(through)
    every_link = {m for m in apps.get_models() if issubclass(m, TenantLink)}
    assert tenant_links == every_link == {link.model for link in LINKS.values()}


@pytest.mark.parametrize("name", LINKS)
def test_a_link_is_unique_per_organization_and_both_rows(name):
    (unique,) = LINKS[name].model._meta.constraints
    left, right = _sides(LINKS[name].model)
    assert isinstance(unique, models.UniqueConstraint)
    assert set(unique.fields) == {left.name, right.name, "organization"}


@postgresql_only(COMPOSITE_KEYS)
@pytest.mark.parametrize("foreign_side", ["left", "right"])
@pytest.mark.parametrize("name", LINKS)
def test_the_database_refuses_a_link_across_organizations(
    name, foreign_side, tenant, other_tenant, immediate_checks_reset
):
    link = LINKS[name]
    own_left, own_right = link.left(tenant), link.right(tenant)
    foreign = link.left(other_tenant) if foreign_side == "left" else link.right(other_tenant)
    left, right = (foreign, own_right) if foreign_side == "left" else (own_left, foreign)

    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        _raw_link(link.model, tenant.org.pk, left.pk, right.pk)

    side = _sides(link.model)[0 if foreign_side == "left" else 1]
    assert f"{side.column}_org_fk" in str(refused.value)
    # The same statement with both rows of the organization is accepted.
    _raw_link(link.model, tenant.org.pk, own_left.pk, own_right.pk)
    assert link.model.objects.filter(organization=tenant.org).count() == 1


@postgresql_only(COMPOSITE_KEYS)
@pytest.mark.parametrize("name", LINKS)
def test_the_database_refuses_a_link_claiming_another_organization(
    name, tenant, other_tenant, immediate_checks_reset
):
    link = LINKS[name]
    left, right = link.left(tenant), link.right(tenant)

    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_link(link.model, other_tenant.org.pk, left.pk, right.pk)


@postgresql_only(COMPOSITE_KEYS)
@pytest.mark.parametrize("name", LINKS)
def test_both_sides_of_every_link_are_keyed_with_the_organization(name):
    """What the migrations created: a new link table without the keys fails here."""
    model = LINKS[name].model
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.confrelid::regclass::text, array_agg(a.attname::text ORDER BY a.attname)
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
            WHERE c.contype = 'f' AND c.conrelid = %s::regclass
            GROUP BY c.oid, c.confrelid
            HAVING count(*) > 1
            """,
            [model._meta.db_table],
        )
        keys = sorted(cursor.fetchall())
    expected = sorted(
        (
            "organizations_membership"
            if side.related_model is User
            else side.related_model._meta.db_table,
            sorted([side.column, "organization_id"]),
        )
        for side in _sides(model)
    )
    assert keys == expected


@pytest.mark.parametrize("name", LINKS)
def test_a_link_without_organization_is_refused(name, tenant):
    link = LINKS[name]
    left, right = (f.column for f in _sides(link.model))
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {link.model._meta.db_table} ({left}, {right}) VALUES (%s, %s)",
            [link.left(tenant).pk, link.right(tenant).pk],
        )


# --- Django's many-to-many API fills the organization --------------------------------------


@pytest.mark.parametrize("name", LINKS)
def test_add_fills_the_organization_from_the_row_in_one_insert(name, tenant):
    link = LINKS[name]
    left, right = link.left(tenant), link.right(tenant)
    field = next(
        f for f in left._meta.many_to_many if f.remote_field.through is link.model
    )  # e.g. Case.tags

    with CaptureQueriesContext(connection) as queries:
        getattr(left, field.name).add(right)
        getattr(left, field.name).add(right)  # already there: no error, no second row

    assert len(queries) == 2
    (row,) = link.model.objects.all()
    assert row.organization_id == tenant.org.pk


def test_set_and_create_fill_it_too_and_an_explicit_organization_is_kept(tenant):
    case = make_case(tenant.org, tenant.caseworker)
    tag = TagFactory(organization=tenant.org)

    case.tags.set([tag])
    created = case.tags.create(organization=tenant.org, name="fresh")
    team = TeamFactory(organization=tenant.org)
    team.cases.add(case)  # the reverse side fills it from the team
    case.teams.set([team], through_defaults={"organization": tenant.org})

    assert {(link.tag_id, link.organization_id) for link in CaseTag.objects.all()} == {
        (tag.pk, tenant.org.pk),
        (created.pk, tenant.org.pk),
    }
    assert CaseTeam.objects.get().organization_id == tenant.org.pk


@postgresql_only(COMPOSITE_KEYS)
def test_a_link_given_another_organization_through_the_orm_is_refused(
    tenant, other_tenant, immediate_checks_reset
):
    case = make_case(tenant.org, tenant.caseworker)
    tag = TagFactory(organization=tenant.org)

    with pytest.raises(IntegrityError), transaction.atomic():
        case.tags.add(tag, through_defaults={"organization": other_tenant.org})
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@postgresql_only("ON DELETE CASCADE of the composite key to the membership")
def test_a_deleted_membership_takes_the_persons_links_in_that_organization(tenant, other_tenant):
    person = tenant.caseworker
    Membership.objects.create(organization=other_tenant.org, user=person)
    ours, theirs = TeamFactory(organization=tenant.org), TeamFactory(organization=other_tenant.org)
    ours.members.add(person)
    theirs.members.add(person)

    Membership.objects.filter(organization=tenant.org, user=person).delete()

    assert list(TeamMember.objects.values_list("team_id", flat=True)) == [theirs.pk]


def test_deleting_linked_rows_keeps_the_links_consistent(tenant):
    case = make_case(tenant.org, tenant.caseworker)
    tag, team = TagFactory(organization=tenant.org), TeamFactory(organization=tenant.org)
    case.tags.add(tag)
    case.teams.add(team)
    team.members.add(tenant.caseworker)

    tag.delete()
    case.delete()
    team.delete()

    assert not CaseTag.objects.exists() and not CaseTeam.objects.exists()
    assert not TeamMember.objects.exists()
    # The test's teardown checks every deferred key, the composite ones included.


# --- The services refuse another organization's rows first ---------------------------------


def _case_teams(t: Tenant, o: Tenant):
    case_change(
        org=t.org,
        actor=t.caseworker,
        case=make_case(t.org, t.caseworker),
        teams=[TeamFactory(organization=o.org)],
    )


def _case_containers(t: Tenant, o: Tenant):
    case_change(
        org=t.org,
        actor=t.caseworker,
        case=make_case(t.org, t.caseworker),
        containers=[ContainerFactory(property__organization=o.org)],
    )


def _case_created_with_a_team(t: Tenant, o: Tenant):
    make_case(t.org, t.caseworker, teams=[TeamFactory(organization=o.org)])


def _bulk_tag(t: Tenant, o: Tenant):
    case = make_case(t.org, t.caseworker)
    cases_bulk_change(
        org=t.org, actor=t.caseworker, case_ids=[case.pk], add_tag=TagFactory(organization=o.org)
    )


def _tag_removed(t: Tenant, o: Tenant):
    case = make_case(t.org, t.caseworker)
    case_tag_remove(org=t.org, actor=t.caseworker, case=case, tag=TagFactory(organization=o.org))


def _team_members(t: Tenant, o: Tenant):
    team_save(org=t.org, actor=t.admin, name="Drift", members=[t.caseworker, o.caseworker])


def _supplier_users(t: Tenant, o: Tenant):
    supplier_create(org=t.org, actor=t.admin, name="Rør AS", users=[o.supplier])


def _supplier_users_changed(t: Tenant, o: Tenant):
    supplier = SupplierFactory(organization=t.org)
    supplier_update(org=t.org, actor=t.admin, supplier=supplier, users=[t.supplier, o.supplier])


def _rule_assignees(t: Tenant, o: Tenant):
    rule = intake_rule_for(t.org, Channel.EMAIL)
    intake_rule_update(org=t.org, actor=t.admin, rule=rule, assignees=[o.caseworker])


def _rule_teams(t: Tenant, o: Tenant):
    rule = intake_rule_for(t.org, Channel.EMAIL)
    intake_rule_update(org=t.org, actor=t.admin, rule=rule, teams=[TeamFactory(organization=o.org)])


SERVICES = {
    "case_change teams": (_case_teams, FOREIGN),
    "case_change containers": (_case_containers, FOREIGN),
    "case_create teams": (_case_created_with_a_team, FOREIGN),
    "cases_bulk_change add_tag": (_bulk_tag, FOREIGN),
    "case_tag_remove": (_tag_removed, FOREIGN),
    "team_save members": (_team_members, "Only members of this organization can join its teams."),
    "supplier_create users": (
        _supplier_users,
        "Only active members with the supplier role can work for a supplier.",
    ),
    "supplier_update users": (
        _supplier_users_changed,
        "Only active members with the supplier role can work for a supplier.",
    ),
    "intake_rule_update assignees": (
        _rule_assignees,
        "Cases can only be given to staff of this organization.",
    ),
    "intake_rule_update teams": (_rule_teams, FOREIGN),
}


def _link_rows() -> int:
    return sum(link.model.objects.count() for link in LINKS.values())


@pytest.mark.parametrize("language", ["en", "nb"])
@pytest.mark.parametrize("name", SERVICES)
def test_services_refuse_another_organizations_rows_with_the_translated_error(
    name, language, tenant, other_tenant
):
    call, english = SERVICES[name]
    before = _link_rows()

    with translation.override(language), pytest.raises(ValidationError) as refused:
        call(tenant, other_tenant)

    with translation.override(language):
        expected = translation.gettext(english)
    assert expected in refused.value.messages
    if english == FOREIGN and language == "nb":
        assert expected != english
    assert _link_rows() == before


def test_a_mention_of_someone_outside_the_organization_links_nobody(tenant, other_tenant):
    outsider, colleague = other_tenant.caseworker, tenant.admin
    case = make_case(tenant.org, tenant.caseworker)
    body = " ".join(mention_token(u.pk, u.full_name) + " look" for u in (outsider, colleague))

    note = note_add(org=tenant.org, actor=tenant.caseworker, case=case, body=body)

    assert list(NoteMention.objects.values_list("note_id", "user_id", "organization_id")) == [
        (note.pk, colleague.pk, tenant.org.pk)
    ]
