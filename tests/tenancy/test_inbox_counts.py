"""The inbox's tab counts and rows with cases of another organization in every part (issue 10).

A caseworker who is a member of organizations A and B is reached in both by every way the inbox
knows (cases/selectors/inbox.py): assigned to them, created by them, a note mentioning them, an
open task of theirs, their team's unassigned case; in each way, cases in every tab (unanswered,
answered but open, resolved, closed). A's inbox must count and list A's cases only, so dropping
the organization filter from any part of the inbox's SQL fails here. The rows are re-read by id
with an organization filter, so only the counts would show such a leak: both are checked.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cases.mentions import mention_token
from cases.models import Case, Task
from cases.selectors.inbox import INBOX_TABS, inbox_counts, inbox_with_counts
from cases.services.notes import note_add
from cases.services.tasks import task_add
from organizations.models import Membership
from organizations.services import team_save
from tests.factories.cases import make_case
from tests.factories.organizations import MembershipFactory, UserFactory

PARTS = ("assigned", "created", "mention", "task", "team")
# Tab state -> (status, answered); "answered" is open with a first response (tab "all" only).
STATES = {
    "unanswered": (Case.Status.NEW, False),
    "answered": (Case.Status.IN_PROGRESS, True),
    "resolved": (Case.Status.RESOLVED, True),
    "closed": (Case.Status.CLOSED, True),
}
TAB_STATES = {
    "unanswered": {"unanswered"},
    "resolved": {"resolved"},
    "closed": {"closed"},
    "all": set(STATES),
}


def _reach(org, me, colleague, team, part: str, state: str) -> Case:
    """A case of `org` that reaches `me` only through `part`, in tab state `state`."""
    title = f"{part} {state}"
    if part == "assigned":
        case = make_case(org, colleague, title=title, assignee=me)
    elif part == "created":
        case = make_case(org, me, title=title)
    elif part == "team":
        case = make_case(org, colleague, title=title, teams=[team])
    else:
        case = make_case(org, colleague, title=title, assignee=colleague)
        if part == "mention":
            body = f"Have a look, {mention_token(me.pk, me.get_full_name())}"
            note_add(org=org, actor=colleague, case=case, body=body)
        else:
            task_add(org=org, actor=colleague, case=case, title="Check it", assignee=me)
    status, answered = STATES[state]
    Case.objects.filter(pk=case.pk).update(
        status=status, first_response_at=timezone.now() if answered else None
    )
    return case


def _organization(tenant, me) -> dict[tuple[str, str], Case]:
    """Every (part, state) case of the tenant's organization for `me`."""
    org, colleague = tenant.org, tenant.admin
    team = team_save(org=org, actor=colleague, name="Warranty", members=[me])
    return {
        (part, state): _reach(org, me, colleague, team, part, state)
        for part in PARTS
        for state in STATES
    }


@pytest.fixture
def me(tenant, other_tenant):
    """A caseworker of both organizations."""
    user = UserFactory(email="both@example.com", full_name="Bo Both")
    for org in (tenant.org, other_tenant.org):
        MembershipFactory(organization=org, user=user, role=Membership.Role.CASEWORKER)
    return user


@pytest.fixture
def cases(tenant, other_tenant, me) -> tuple[dict, dict]:
    return _organization(tenant, me), _organization(other_tenant, me)


def _expected(ours: dict, tab: str) -> set[int]:
    return {case.pk for (_part, state), case in ours.items() if state in TAB_STATES[tab]}


@pytest.mark.parametrize("tab", INBOX_TABS)
def test_inbox_counts_and_rows_hold_only_the_organizations_cases(tenant, me, cases, tab):
    ours, theirs = cases

    inbox = inbox_with_counts(tenant.org, me, tab, size=100)

    assert inbox.counts == {t: len(_expected(ours, t)) for t in INBOX_TABS}
    assert {row.id for row in inbox.page.rows} == _expected(ours, tab)
    assert not {row.id for row in inbox.page.rows} & {c.pk for c in theirs.values()}


def test_each_organization_sees_its_own_inbox(tenant, other_tenant, me, cases):
    ours, theirs = cases

    for org, own in ((tenant.org, ours), (other_tenant.org, theirs)):
        inbox = inbox_with_counts(org, me, "all", size=100)
        assert {row.id for row in inbox.page.rows} == {c.pk for c in own.values()}
        assert inbox.counts["all"] == len(own) == len(PARTS) * len(STATES)


def test_the_counts_alone_are_the_organizations_and_those_of_the_page(
    tenant, other_tenant, me, cases
):
    """What the inbox counts again after a response (cases/views/lists.py)."""
    for org, own in zip((tenant.org, other_tenant.org), cases, strict=True):
        counted = inbox_counts(org, me)
        assert counted == {t: len(_expected(own, t)) for t in INBOX_TABS}
        assert counted == inbox_with_counts(org, me, "all").counts


def test_the_inbox_page_shows_the_organizations_counts(tenant, me, cases):
    ours, _theirs = cases
    client = tenant.client_for(me)

    response = client.get(f"/{tenant.org.slug}/?tab=all")

    assert response.status_code == 200
    shown = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    assert shown == {t: len(_expected(ours, t)) for t in INBOX_TABS}


def test_a_task_row_of_ours_on_their_case_does_not_bring_their_case_in(tenant, other_tenant, me):
    """What a task service without its case guard would write: a task of A on B's case. Either
    the database refuses such a row (a foreign key over the organization too), or A's inbox
    still reads only A's cases (the case's organization is checked, not only the task's)."""
    theirs = make_case(other_tenant.org, other_tenant.admin, title="Theirs")
    try:
        with transaction.atomic():
            Task.objects.create(
                organization=tenant.org, case=theirs, title="Slipped in", assignee=me
            )
            connection.check_constraints()  # deferred foreign keys now, not at the end
    except IntegrityError:
        assert not Task.objects.filter(case=theirs).exists()

    inbox = inbox_with_counts(tenant.org, me, "all", size=100)

    assert inbox.counts["all"] == 0
    assert inbox.page.rows == []
