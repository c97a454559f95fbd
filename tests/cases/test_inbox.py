"""The caseworker's inbox (seed 004 "Innboks"): the cases I have some ownership of."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Note, Task
from cases.services.cases import case_change
from cases.services.messages import Outgoing, case_message_send
from notifications.models import OutboundMessage
from tests.cases.lists_support import numbers_in, queries_for_get, rich_cases
from tests.factories.cases import make_case
from tests.factories.organizations import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def inbox_url(org, **params) -> str:
    url = reverse("cases:inbox", kwargs={"org_slug": org.slug})
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


@pytest.fixture
def colleague(tenant):
    user = UserFactory(email="colleague@alpha.example", full_name="Colleague Alpha")
    MembershipFactory(organization=tenant.org, user=user, role="caseworker")
    return user


def test_inbox_holds_every_kind_of_ownership_and_nothing_else(tenant, colleague, staff_client):
    me, org = tenant.caseworker, tenant.org
    assigned = make_case(org, colleague, title="Assigned to me", assignee=me)
    created = make_case(org, me, title="Created by me")
    mentioned = make_case(org, colleague, title="Mentioned in")
    note = Note.objects.create(organization=org, case=mentioned, author=colleague, body="@me")
    note.mentions.add(me)
    with_task = make_case(org, colleague, title="Task for me", assignee=colleague)
    Task.objects.create(organization=org, case=with_task, title="Check the drain", assignee=me)
    team = TeamFactory(organization=org, name="Warranty")
    team.members.add(me)
    team_unassigned = make_case(org, colleague, title="Team, nobody yet", teams=[team])
    # Not mine: a colleague's case, a team case someone already took, a done task.
    make_case(org, colleague, title="Someone else's", assignee=colleague)
    make_case(org, colleague, title="Team but taken", teams=[team], assignee=colleague)
    done = make_case(org, colleague, title="Finished task", assignee=colleague)
    Task.objects.create(
        organization=org, case=done, title="Done", assignee=me, status=Task.Status.DONE
    )

    response = staff_client.get(inbox_url(org, tab="all"))

    assert response.status_code == 200
    assert sorted(numbers_in(response)) == sorted(
        c.number for c in (assigned, created, mentioned, with_task, team_unassigned)
    )


def test_a_case_that_reaches_me_several_ways_is_listed_and_counted_once(
    tenant, colleague, staff_client
):
    me, org = tenant.caseworker, tenant.org
    team = TeamFactory(organization=org, name="Warranty")
    team.members.add(me)
    # Created by me, assigned to me, mentioned in twice, two open tasks.
    mine_every_way = make_case(org, me, title="Every way", assignee=me)
    # Not mine by assignment or creation: mentioned, a task and my team's unassigned list.
    reached = make_case(org, colleague, title="Reached", teams=[team])
    for case in (mine_every_way, mine_every_way, reached):
        note = Note.objects.create(organization=org, case=case, author=colleague, body="@me")
        note.mentions.add(me)
        Task.objects.create(organization=org, case=case, title="Look", assignee=me)

    response = staff_client.get(inbox_url(org, tab="all"))

    assert sorted(numbers_in(response)) == sorted([mine_every_way.number, reached.number])
    counts = {t["key"]: t["count"] for t in response.context["tabs"]}
    assert counts["all"] == 2 and counts["unanswered"] == 2


def test_inbox_never_shows_cases_of_another_organization(tenant, other_tenant, staff_client):
    me = tenant.caseworker
    # The same user is a caseworker of the other organization too and has a case there.
    MembershipFactory(organization=other_tenant.org, user=me, role="caseworker")
    make_case(other_tenant.org, me, title="Elsewhere", assignee=me)
    mine = make_case(tenant.org, me, title="Here")

    response = staff_client.get(inbox_url(tenant.org, tab="all"))

    assert numbers_in(response) == [mine.number]
    assert "Elsewhere" not in response.content.decode()


def test_inbox_tabs_count_unanswered_resolved_closed_and_all(tenant, staff_client):
    me, org = tenant.caseworker, tenant.org
    make_case(org, me, title="Fresh")  # new, no response: unanswered
    taken = make_case(org, me, title="Taken")  # in hand but not answered: still unanswered
    case_change(org=org, actor=me, case=taken, status=Case.Status.IN_PROGRESS)
    answered = make_case(org, me, title="Answered")
    case_message_send(
        org=org,
        actor=me,
        case=answered,
        kind=OutboundMessage.Kind.REPLY,
        message=Outgoing(text="We are on it.", email="kari@example.net"),
    )
    resolved = make_case(org, me, title="Resolved")
    case_change(org=org, actor=me, case=resolved, status=Case.Status.RESOLVED)
    closed = make_case(org, me, title="Closed")
    case_change(org=org, actor=me, case=closed, status=Case.Status.CLOSED)

    response = staff_client.get(inbox_url(org))

    counts = {t["key"]: t["count"] for t in response.context["tabs"]}
    assert counts == {"unanswered": 2, "resolved": 1, "closed": 1, "all": 5}
    assert response.context["tab"] == "unanswered"
    assert sorted(c.title for c in response.context["page"].rows) == ["Fresh", "Taken"]
    html = response.content.decode()
    assert "Unanswered" in html and 'aria-current="page"' in html


@pytest.mark.parametrize(("tab", "expected"), [("resolved", ["Resolved"]), ("closed", ["Closed"])])
def test_inbox_tab_shows_only_its_cases(tenant, staff_client, tab, expected):
    me, org = tenant.caseworker, tenant.org
    make_case(org, me, title="Open")
    for title, status in (("Resolved", "resolved"), ("Closed", "closed")):
        case = make_case(org, me, title=title)
        case_change(org=org, actor=me, case=case, status=status)

    response = staff_client.get(inbox_url(org, tab=tab))

    assert [c.title for c in response.context["page"].rows] == expected


def test_inbox_page_and_every_tab_count_take_two_queries(tenant, django_assert_num_queries):
    from cases.selectors.inbox import inbox_with_counts

    me, org = tenant.caseworker, tenant.org
    make_case(org, me)
    case_change(org=org, actor=me, case=make_case(org, me), status="resolved")
    with django_assert_num_queries(2):
        found = inbox_with_counts(org, me, "unanswered")

    assert found.counts == {"unanswered": 1, "resolved": 1, "closed": 0, "all": 2}
    assert len(found.page.rows) == 1


def test_first_page_statement_has_no_parameters_and_later_pages_only_the_keyset(tenant):
    """The first page's statement is all literals, so each user's inbox is one statement text
    that psycopg prepares and PostgreSQL plans once for those values; a later page's only
    parameters are the keyset position (cases/selectors/inbox.py)."""
    from cases.selectors.inbox import inbox_with_counts

    me, org = tenant.caseworker, tenant.org
    for _ in range(3):
        make_case(org, me)
    seen = []

    def record(execute, sql, params, many, context):
        if sql.startswith("WITH inbox"):
            seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        first = inbox_with_counts(org, me, "all", size=2)
        inbox_with_counts(org, me, "all", size=2, after=first.page.next_cursor, counts={})

    (first_sql, first_params), (later_sql, later_params) = seen
    assert not first_params
    assert f"c.assignee_id = {me.pk}" in first_sql
    assert later_params and len(later_params) == later_sql.count("%s")


@pytest.mark.parametrize("value", ["new'; DROP TABLE cases_case; --", "New", "", 1.5, True])
def test_only_integers_and_code_choice_values_become_sql_literals(value):
    from cases.selectors.inbox import _literal

    with pytest.raises((ValueError, TypeError)):
        _literal(value)


def test_integers_and_choice_values_become_sql_literals():
    from cases.selectors.inbox import _literal

    assert _literal(42) == "42"
    assert _literal(Case.Status.IN_PROGRESS) == "'in_progress'"


def test_overdue_case_row_is_red_and_says_overdue(tenant, staff_client):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    make_case(tenant.org, tenant.caseworker, title="Late one", deadline=yesterday)

    html = staff_client.get(inbox_url(tenant.org)).content.decode()

    assert 'class="overdue"' in html
    assert '<span class="overdue-label">Overdue</span>' in html


def test_row_shows_number_title_customer_property_status_priority_assignee(tenant, staff_client):
    (case,) = rich_cases(tenant.org, tenant.caseworker, 1, assignee=tenant.caseworker)

    html = staff_client.get(inbox_url(tenant.org)).content.decode()

    for text in (
        f"#{case.number}",
        case.title,
        case.customer.name,
        case.property.full_address,
        "New",
        "Normal",
        str(tenant.caseworker),
    ):
        assert text in html


def test_inbox_costs_the_same_number_of_queries_for_1_and_50_cases(tenant, staff_client):
    me = tenant.caseworker
    rich_cases(tenant.org, me, 1, assignee=me)
    one, _ = queries_for_get(staff_client, inbox_url(tenant.org))
    rich_cases(tenant.org, me, 49, assignee=me)

    fifty, response = queries_for_get(staff_client, inbox_url(tenant.org))

    assert len(response.context["page"].rows) == 50
    assert fifty == one


def test_inbox_pages_with_cursor_links(tenant, staff_client):
    rich_cases(tenant.org, tenant.caseworker, 55)

    first = staff_client.get(inbox_url(tenant.org))
    second = staff_client.get(first.context["next_link"].href)

    assert len(first.context["page"].rows) == 50
    assert len(second.context["page"].rows) == 5
    assert not set(numbers_in(first)) & set(numbers_in(second))
    back = staff_client.get(second.context["prev_link"].href)
    assert numbers_in(back) == numbers_in(first)


def test_htmx_tab_switch_returns_tabs_and_table_only(tenant, staff_client):
    make_case(tenant.org, tenant.caseworker, title="Mine")

    response = staff_client.get(
        inbox_url(tenant.org, tab="all"), headers={"HX-Request": "true", "HX-Target": "inbox-body"}
    )

    html = response.content.decode()
    assert "<html" not in html
    assert 'class="tabs"' in html and "Mine" in html


def test_htmx_sort_returns_only_the_table(tenant, staff_client):
    make_case(tenant.org, tenant.caseworker, title="Mine")

    response = staff_client.get(
        inbox_url(tenant.org, sort="number"),
        headers={"HX-Request": "true", "HX-Target": "case-results"},
    )

    html = response.content.decode()
    assert "<html" not in html and 'class="tabs"' not in html
    assert 'aria-sort="ascending"' in html


def test_inbox_has_a_new_case_button(tenant, staff_client):
    html = staff_client.get(inbox_url(tenant.org)).content.decode()

    assert reverse("cases:case_new", kwargs={"org_slug": tenant.org.slug}) in html


def test_outsider_gets_404_for_inbox(tenant, outsider_client):
    assert outsider_client.get(inbox_url(tenant.org)).status_code == 404


def test_supplier_gets_403_for_inbox(tenant):
    client = tenant.client_for(tenant.supplier)

    assert client.get(inbox_url(tenant.org)).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(tenant, client):
    response = client.get(inbox_url(tenant.org))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "sort",
    [
        "-created",
        "created",
        "number",
        "-number",
        "deadline",
        "-deadline",
        "priority",
        "-priority",
        "status",
        "-status",
    ],
)
def test_inbox_pages_walk_every_case_once_in_the_same_order_as_the_case_list(
    tenant, colleague, sort
):
    """The inbox merges its parts page by page; the result must match a plain sorted list."""
    import datetime as dt

    from cases.selectors.inbox import inbox_with_counts
    from cases.selectors.lists import case_page
    from cases.services.cases import CaseData, case_create_many

    me, org = tenant.caseworker, tenant.org
    team = TeamFactory(organization=org)
    team.members.add(me)
    items = [
        CaseData(
            title=f"Case {i}",
            priority=["low", "normal", "high", "critical"][i % 4],
            deadline=None if i % 3 == 0 else dt.date(2026, 5, 1 + i % 4),
            assignee=me if i % 3 == 0 else None,
            teams=[team] if i % 3 == 1 else [],
        )
        for i in range(17)
    ]
    case_create_many(org=org, actor=colleague, items=items)  # two thirds reach me
    created = case_create_many(org=org, actor=me, items=[CaseData(title="Mine") for _ in range(4)])
    case_change(org=org, actor=me, case=created[0], status=Case.Status.WAITING)
    expected_set = Case.objects.filter(organization=org).exclude(
        assignee__isnull=True, teams__isnull=True, created_by=colleague
    )

    def walk(fetch):
        seen, after = [], None
        while True:
            page = fetch(after)
            seen += [c.pk for c in page.rows]
            if not page.has_next:
                return seen
            after = page.next_cursor

    def inbox_page(after=None, before=None):
        return inbox_with_counts(org, me, "all", sort=sort, after=after, before=before, size=4).page

    got = walk(lambda after: inbox_page(after=after))
    want = walk(lambda after: case_page(expected_set, sort=sort, after=after, size=4))
    assert got == want
    assert len(got) == 12 + 4
    # Walking back from the last page gives the same cases in the same order.
    pages, page = [], inbox_page()
    while page.has_next:
        page = inbox_page(after=page.next_cursor)
    pages.append([c.pk for c in page.rows])
    while page.has_prev:
        page = inbox_page(before=page.prev_cursor)
        pages.insert(0, [c.pk for c in page.rows])
    assert [pk for rows in pages for pk in rows] == got
