"""Issue 14: each inbox row says why the case is mine (assigned, created, mentioned, a task,
my team's) and how old it is, read in the inbox's own two queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Note, Task
from cases.selectors.inbox import inbox_with_counts
from tests.factories.cases import make_case
from tests.factories.organizations import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(tenant):
    user = UserFactory(email="colleague@alpha.example", full_name="Colleague Alpha")
    MembershipFactory(organization=tenant.org, user=user, role="caseworker")
    return user


@pytest.fixture
def cases(tenant, colleague):
    me, org = tenant.caseworker, tenant.org
    team = TeamFactory(organization=org, name="Warranty")
    team.members.add(me)
    found = {
        "assigned": make_case(org, colleague, title="Assigned", assignee=me),
        "created": make_case(org, me, title="Created", assignee=colleague),
        "mentioned": make_case(org, colleague, title="Mentioned", assignee=colleague),
        "task": make_case(org, colleague, title="Task", assignee=colleague),
        "team": make_case(org, colleague, title="Team", teams=[team]),
        "every": make_case(org, me, title="Every way", assignee=me, teams=[team]),
    }
    for key in ("mentioned", "every"):
        note = Note.objects.create(organization=org, case=found[key], author=colleague, body="@me")
        note.mentions.add(me)
    for key in ("task", "every"):
        Task.objects.create(organization=org, case=found[key], title="Look", assignee=me)
    # A done task and a mention of someone else give no reason.
    Task.objects.create(
        organization=org,
        case=found["assigned"],
        title="Done",
        assignee=me,
        status=Task.Status.DONE,
    )
    other = Note.objects.create(organization=org, case=found["created"], author=me, body="@c")
    other.mentions.add(colleague)
    return found


def test_each_row_carries_the_reasons_that_bring_it_to_me(tenant, cases):
    inbox = inbox_with_counts(tenant.org, tenant.caseworker, "all")

    reasons = {row.title: row.reasons for row in inbox.page.rows}
    assert reasons == {
        "Assigned": ["assigned"],
        "Created": ["created"],
        "Mentioned": ["mentioned"],
        "Task": ["task"],
        "Team": ["team"],
        # Assigned to me, so not also my team's unassigned case.
        "Every way": ["assigned", "created", "mentioned", "task"],
    }


def test_reasons_cost_no_query_of_their_own(tenant, cases, django_assert_num_queries):
    with django_assert_num_queries(2):
        inbox_with_counts(tenant.org, tenant.caseworker, "all")


def test_an_empty_inbox_page_still_has_its_counts(tenant):
    inbox = inbox_with_counts(tenant.org, tenant.caseworker, "all")

    assert inbox.page.rows == []
    assert inbox.counts["all"] == 0


def test_inbox_page_shows_the_reasons_and_the_age(tenant, cases, staff_client):
    Case.objects.filter(pk=cases["team"].pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3, hours=2)
    )
    url = reverse("cases:inbox", kwargs={"org_slug": tenant.org.slug}) + "?tab=all"

    html = staff_client.get(url).content.decode()

    rows = {
        re.search(r'href="[^"]+">([^<#][^<]*)</a>', row).group(1): row
        for row in html.split("<tr")[2:]
    }
    assert '<span class="why-tag">Your team</span>' in rows["Team"]
    assert '<span class="why-tag">Assigned to you</span>' in rows["Assigned"]
    assert '<span class="why-tag">You were mentioned</span>' in rows["Mentioned"]
    assert '<span class="why-tag">Task for you</span>' in rows["Task"]
    assert '<span class="why-tag">Created by you</span>' in rows["Created"]
    assert "Your team" not in rows["Every way"]
    assert '<span aria-hidden="true">3 d</span>' in rows["Team"]
    assert "3 days old" in rows["Team"]
    assert '<span aria-hidden="true">0 min</span>' in rows["Assigned"]


def test_the_case_list_shows_ages_but_no_inbox_reasons(tenant, cases, staff_client):
    url = reverse("cases:case_list", kwargs={"org_slug": tenant.org.slug})

    html = staff_client.get(url).content.decode()

    assert 'class="age"' in html
    assert "why-tag" not in html


def test_outsider_gets_404_for_the_inbox(tenant, cases, outsider_client):
    url = reverse("cases:inbox", kwargs={"org_slug": tenant.org.slug})

    assert outsider_client.get(url).status_code == 404


def test_an_empty_list_has_no_bulk_bar(tenant, staff_client):
    url = reverse("cases:inbox", kwargs={"org_slug": tenant.org.slug}) + "?tab=all"

    html = staff_client.get(url).content.decode()

    assert "No cases match." in html
    assert "data-bulk-bar" not in html and 'id="bulk-form"' not in html


def test_a_list_with_cases_has_the_bulk_bar_for_pages_without_javascript(
    tenant, cases, staff_client
):
    url = reverse("cases:case_list", kwargs={"org_slug": tenant.org.slug})

    html = staff_client.get(url).content.decode()

    assert html.count("data-bulk-bar") == 1
    assert "hidden" not in html.split("data-bulk-bar", 1)[1].split(">", 1)[0]
