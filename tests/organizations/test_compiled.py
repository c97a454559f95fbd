"""organizations/compiled.py: a hot read compiled once gives exactly the plain queryset's rows,
for whichever organization is in scope when it runs, and refuses builders it cannot reuse."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from cases.models import Case, Task
from organizations.compiled import compiled_list
from organizations.models import Membership, User
from organizations.tenancy import ScopeError, organization_scope
from tests.factories.cases import make_case

_keys = itertools.count()


def fresh_key() -> str:
    """Each test compiles its own plans (the plans are per process)."""
    return f"test-compiled-{next(_keys)}"


def tasks_of(org_id: int, case_id: int):
    return (
        Task.objects.filter(organization_id=org_id, case_id=case_id)
        .select_related("assignee")
        .order_by("title")
    )


def case_by_number(org_id: int, number: int):
    return Case.objects.filter(organization_id=org_id, number=number).prefetch_related("teams")


@pytest.fixture
def two_cases(tenant, other_tenant):
    mine = make_case(tenant.org, tenant.caseworker, title="Ours")
    theirs = make_case(other_tenant.org, other_tenant.caseworker, title="Theirs")
    for case, org, user in (
        (mine, tenant.org, tenant.caseworker),
        (theirs, other_tenant.org, None),
    ):
        for title in ("b", "a"):
            Task.objects.create(
                organization=org, case=case, title=f"{title} {case.title}", assignee=user
            )
    return mine, theirs


def test_rows_equal_the_plain_queryset_for_each_organization_in_scope(
    tenant, other_tenant, two_cases
):
    mine, theirs = two_cases
    key = fresh_key()
    for org, case in ((tenant.org, mine), (other_tenant.org, theirs), (tenant.org, mine)):
        with organization_scope(org):
            got = compiled_list(key, tasks_of, org.pk, case.pk)
            expected = list(tasks_of(org.pk, case.pk))
        assert [t.pk for t in got] == [t.pk for t in expected]
        assert [t.title for t in got] == ["a " + case.title, "b " + case.title]
        assert {t.organization_id for t in got} == {org.pk}


def test_the_scope_filters_even_when_the_arguments_name_another_organization(tenant, two_cases):
    """The compiled SQL keeps the manager's scope filter, filled from the scope at each run."""
    mine, theirs = two_cases
    key = fresh_key()
    with organization_scope(tenant.org):
        assert compiled_list(key, tasks_of, tenant.org.pk, mine.pk)
        assert compiled_list(key, tasks_of, theirs.organization_id, theirs.pk) == []


def test_related_objects_come_with_the_rows_and_prefetches_run(tenant, two_cases):
    mine, _theirs = two_cases
    key, case_key = fresh_key(), fresh_key()
    with organization_scope(tenant.org):
        compiled_list(key, tasks_of, tenant.org.pk, mine.pk)  # compiled
        with CaptureQueriesContext(connection) as queries:
            tasks = compiled_list(key, tasks_of, tenant.org.pk, mine.pk)
            names = [t.assignee.full_name for t in tasks]
        assert names == [tenant.caseworker.full_name] * 2
        assert len([q for q in queries if q["sql"].startswith("SELECT")]) == 1
        [case] = compiled_list(case_key, case_by_number, tenant.org.pk, mine.number)
        assert case.pk == mine.pk
        assert [t.pk for t in case.teams.all()] == [t.pk for t in mine.teams.all()]


def test_no_scope_runs_the_plain_queryset_which_refuses(tenant, two_cases):
    mine, _theirs = two_cases
    key = fresh_key()
    with organization_scope(tenant.org):
        compiled_list(key, tasks_of, tenant.org.pk, mine.pk)
    with scopes_disabled():
        # Across organizations the plain queryset runs: the arguments still filter.
        assert len(compiled_list(key, tasks_of, tenant.org.pk, mine.pk)) == 2
    from django_scopes import scope

    with scope(), pytest.raises(ScopeError):
        compiled_list(key, tasks_of, tenant.org.pk, mine.pk)


def test_unscoped_reads_for_models_without_an_organization(tenant, other_tenant):
    def memberships(user_id: int):
        return Membership.objects.filter(user_id=user_id, is_active=True).select_related(
            "organization"
        )

    key = fresh_key()
    for user, org in ((tenant.admin, tenant.org), (other_tenant.admin, other_tenant.org)):
        got = compiled_list(key, memberships, user.pk, scoped=False)
        assert [(m.user_id, m.organization.slug) for m in got] == [(user.pk, org.slug)]


def test_dates_and_strings_as_arguments(tenant):
    def created_since(email: str, since: dt.datetime):
        return User.objects.filter(email=email, date_joined__gte=since).values_list("pk", flat=True)

    key = fresh_key()
    long_ago = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    future = dt.datetime(2999, 1, 1, tzinfo=dt.UTC)
    assert compiled_list(key, created_since, tenant.admin.email, long_ago, scoped=False) == [
        tenant.admin.pk
    ]
    assert compiled_list(key, created_since, tenant.admin.email, future, scoped=False) == []
    assert compiled_list(key, created_since, "nobody@example.com", long_ago, scoped=False) == []


def test_builders_it_cannot_reuse_are_refused(tenant):
    def contains(text: str):
        return User.objects.filter(email__icontains=text)

    def unused(user_id: int):
        return User.objects.all()

    with pytest.raises(ValueError, match="changed on its way"):
        compiled_list(fresh_key(), contains, "admin", scoped=False)
    with pytest.raises(ValueError, match="does not reach"):
        compiled_list(fresh_key(), unused, 1, scoped=False)
    with pytest.raises(TypeError, match="booleans"):
        compiled_list(
            fresh_key(), lambda flag: User.objects.filter(is_active=flag), True, scoped=False
        )


@pytest.mark.django_db
def test_the_columns_converters_are_found_once_per_plan_and_still_applied(
    tenant, two_cases, monkeypatch
):
    """Django looks up each column's converters on every run; a plan keeps them after its
    first run, and the rows are converted as before (datetimes, related objects)."""
    from django.db.models.sql.compiler import SQLCompiler

    mine, _theirs = two_cases
    key = fresh_key()
    lookups = []
    original = SQLCompiler.get_converters

    def counted(self, expressions):
        lookups.append(len(expressions))
        return original(self, expressions)

    monkeypatch.setattr(SQLCompiler, "get_converters", counted)
    with organization_scope(tenant.org):
        first = compiled_list(key, tasks_of, tenant.org.pk, mine.pk)
        looked_up = len(lookups)
        again = compiled_list(key, tasks_of, tenant.org.pk, mine.pk)
        with scopes_disabled():
            plain = list(tasks_of(tenant.org.pk, mine.pk))

    assert looked_up == 1
    assert len(lookups) == 2  # the plain queryset's own, none for the plan's second run
    for rows in (first, again):
        assert [(t.pk, t.title, t.created_at, t.assignee.email) for t in rows] == [
            (t.pk, t.title, t.created_at, t.assignee.email) for t in plain
        ]
        assert all(isinstance(t.created_at, dt.datetime) and t.created_at.tzinfo for t in rows)
