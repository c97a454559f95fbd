"""organizations/compiled.py: several compiled reads sent together (`compiled_lists`) give what
each read alone gives, in one round trip, and `read_ahead` answers each of them once."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.models import Note, Task
from organizations.compiled import compiled_list, compiled_lists, read_ahead
from organizations.tenancy import organization_scope
from tests.factories.cases import make_case
from tests.markers import postgresql_only
from tests.organizations.test_compiled import fresh_key, tasks_of
from tests.organizations.test_scope_round_trips import round_trips

pytestmark = pytest.mark.django_db(transaction=True)


def task_titles(org_id: int, case_id: int):
    return Task.objects.filter(organization_id=org_id, case_id=case_id).values_list(
        "title", "status"
    )


def notes_of(org_id: int, case_id: int):
    return Note.objects.filter(organization_id=org_id, case_id=case_id).order_by("id")


@pytest.fixture
def cases(tenant, other_tenant):
    made = {}
    for org, user in ((tenant.org, tenant.caseworker), (other_tenant.org, other_tenant.caseworker)):
        case = make_case(org, user, title=f"Case of {org.slug}")
        for title in ("b", "a"):
            Task.objects.create(
                organization=org, case=case, title=f"{title} {org.slug}", assignee=user
            )
        Note.objects.create(organization=org, case=case, author=user, body=f"note {org.slug}")
        made[org.pk] = case
    return made


def reads_for(org, case, keys):
    ids = (org.pk, case.pk)
    return [(keys[0], tasks_of, ids), (keys[1], task_titles, ids), (keys[2], notes_of, ids)]


def test_each_list_is_what_the_read_alone_gives_for_the_organization_in_scope(
    tenant, other_tenant, cases
):
    keys = [fresh_key() for _ in range(3)]
    for org in (tenant.org, other_tenant.org, tenant.org):
        case = cases[org.pk]
        with organization_scope(org):
            tasks, titles, notes = compiled_lists(reads_for(org, case, keys))
            alone = [
                compiled_list(key, build, *args) for key, build, args in reads_for(org, case, keys)
            ]
        assert [t.pk for t in tasks] == [t.pk for t in alone[0]]
        assert [t.title for t in tasks] == [f"a {org.slug}", f"b {org.slug}"]
        assert [t.assignee.email for t in tasks] == [alone[0][0].assignee.email] * 2
        assert (
            sorted(titles)
            == sorted(alone[1])
            == [(f"a {org.slug}", "open"), (f"b {org.slug}", "open")]
        )
        assert [n.body for n in notes] == [f"note {org.slug}"]


def test_another_organizations_ids_read_nothing(tenant, other_tenant, cases):
    theirs = cases[other_tenant.org.pk]
    keys = [fresh_key() for _ in range(3)]
    with organization_scope(tenant.org):
        # The arguments name the other organization; the scope's filter still applies.
        assert compiled_lists(reads_for(other_tenant.org, theirs, keys)) == [[], [], []]


@postgresql_only("a pipeline is psycopg's")
def test_the_reads_go_in_one_round_trip_and_each_is_logged(tenant, cases):
    org, case = tenant.org, cases[tenant.org.pk]
    keys = [fresh_key() for _ in range(3)]
    with organization_scope(org):
        compiled_lists(reads_for(org, case, keys))  # compiled; the scope is set

        def batch():
            # A request's transaction (ATOMIC_REQUESTS), its scope already sent.
            with transaction.atomic():
                compiled_list(keys[0], tasks_of, org.pk, case.pk)
                with CaptureQueriesContext(connection) as queries:
                    compiled_lists(reads_for(org, case, keys))
                assert len(queries) == 3

        trips, text = round_trips(batch)
    # BEGIN, the settings with the first read, the three reads together, COMMIT.
    assert trips == 4, text


def test_read_ahead_answers_each_read_once_inside_the_block(tenant, other_tenant, cases):
    org, case = tenant.org, cases[tenant.org.pk]
    keys = [fresh_key() for _ in range(3)]
    reads = reads_for(org, case, keys)
    with organization_scope(org):
        with read_ahead(reads):
            with CaptureQueriesContext(connection) as queries:
                first = compiled_list(keys[0], tasks_of, org.pk, case.pk)
                notes = compiled_list(keys[2], notes_of, org.pk, case.pk)
            assert len(queries) == 0
            assert [t.title for t in first] == [f"a {org.slug}", f"b {org.slug}"]
            assert [n.body for n in notes] == [f"note {org.slug}"]
            with CaptureQueriesContext(connection) as queries:
                again = compiled_list(keys[0], tasks_of, org.pk, case.pk)  # answered once only
                # Other arguments (another case) are not what was read ahead.
                compiled_list(keys[2], notes_of, org.pk, cases[other_tenant.org.pk].pk)
            assert len(queries) == 2
            assert [t.pk for t in again] == [t.pk for t in first]
        with CaptureQueriesContext(connection) as queries:
            compiled_list(keys[1], task_titles, org.pk, case.pk)  # the block has ended
        assert len(queries) == 1
