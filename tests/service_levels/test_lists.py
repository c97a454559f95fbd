"""Service level in the inbox, the case list and on the case page: a marker that says the state
in words, "due soonest" sorting with keyset pages at the cost of the other sorts, and the state
filter."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases.services.cases import case_change
from tests.cases.lists_support import numbers_in, queries_for_get
from tests.factories.cases import make_case
from tests.service_levels.conftest import oslo

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(tenant, clock, normal_policy):
    """At Monday 4 March 2024 12:30, under the normal policy (first response within 4 h, at
    risk after 3 h 12 min), one case of each state, all the caseworker's."""
    me = tenant.caseworker

    def opened(hour, minute=0, **fields):
        clock.set(2024, 3, 4, hour, minute)
        return make_case(tenant.org, tenant.admin, assignee=me, **fields)

    found = {
        "breached": opened(8, title="Breached one"),  # due 12:00
        "at_risk": opened(9, title="At risk one"),  # at risk 12:12, due 13:00
        "on_track": opened(12, title="On track one"),  # due 16:00
        "paused": opened(9, 30, title="Paused one"),
        "none": opened(9, 40, title="No target", priority="low"),
    }
    case_change(org=tenant.org, actor=me, case=found["paused"], status="waiting")
    clock.set(2024, 3, 4, 12, 30)
    return found


def list_url(org, **params) -> str:
    url = reverse("cases:case_list", kwargs={"org_slug": org.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def inbox_url(org, **params) -> str:
    url = reverse("cases:inbox", kwargs={"org_slug": org.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def row_of(html: str, title: str) -> str:
    start = html.index(f">{title}</a>")
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


@pytest.mark.parametrize("page", [list_url, lambda org: inbox_url(org, tab="all")])
def test_each_row_says_its_state_in_words(tenant, staff_client, cases, page):
    html = staff_client.get(page(tenant.org)).content.decode()

    assert '<span class="sla sla-breached">Breached</span>' in row_of(html, "Breached one")
    assert '<span class="sla sla-at_risk">At risk</span>' in row_of(html, "At risk one")
    assert '<span class="sla sla-on_track">On track</span>' in row_of(html, "On track one")
    assert '<span class="sla sla-paused">Paused</span>' in row_of(html, "Paused one")
    assert 'class="sla ' not in row_of(html, "No target")
    # The due time is shown with the marker, as a machine-readable time too.
    at_risk = row_of(html, "At risk one")
    assert f'<time datetime="{oslo(2024, 3, 4, 13).isoformat()}">' in at_risk


def test_case_list_sorts_by_due_soonest_with_cases_without_a_running_target_last(
    tenant, staff_client, cases
):
    response = staff_client.get(list_url(tenant.org, sort="due"))

    numbers = numbers_in(response)
    expected = [cases[k].number for k in ("breached", "at_risk", "on_track")]
    assert numbers[:3] == expected
    assert set(numbers[3:]) == {cases["paused"].number, cases["none"].number}
    html = response.content.decode()
    assert re.search(r'aria-sort="ascending">\s*<a [^>]*>Service level', html)


def test_inbox_sorts_by_due_soonest_too(tenant, staff_client, cases):
    response = staff_client.get(inbox_url(tenant.org, tab="all", sort="due"))

    assert numbers_in(response)[:3] == [
        cases[k].number for k in ("breached", "at_risk", "on_track")
    ]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("breached", ["breached"]),
        ("at_risk", ["at_risk"]),
        ("on_track", ["on_track"]),
        ("paused", ["paused"]),
    ],
)
def test_case_list_filters_by_state(tenant, staff_client, cases, state, expected):
    response = staff_client.get(list_url(tenant.org, sla=state))

    assert sorted(numbers_in(response)) == sorted(cases[k].number for k in expected)


def test_an_unknown_state_is_reported_and_left_out(tenant, staff_client, cases):
    response = staff_client.get(list_url(tenant.org, sla="<script>late"))

    assert response.status_code == 200
    assert len(numbers_in(response)) == 5
    html = response.content.decode()
    assert "Some filters were not understood" in html and "<script>late" not in html


def test_due_soonest_pages_cost_what_the_other_sorts_cost(tenant, staff_client, cases):
    for number in range(60):  # more than a page
        make_case(tenant.org, tenant.admin, assignee=tenant.caseworker, title=f"More {number}")
    for url in (list_url, lambda org, **p: inbox_url(org, tab="all", **p)):
        by_created, _ = queries_for_get(staff_client, url(tenant.org, sort="-created"))
        by_due, first = queries_for_get(staff_client, url(tenant.org, sort="due"))
        assert by_due == by_created
        after = first.context["page"].next_cursor
        by_due_next, second = queries_for_get(
            staff_client, url(tenant.org, sort="due", after=after)
        )
        assert by_due_next == by_created
        assert not set(numbers_in(first)) & set(numbers_in(second))


def test_the_case_page_shows_the_service_level(tenant, staff_client, cases):
    case = cases["at_risk"]
    url = reverse("cases:case_detail", kwargs={"org_slug": tenant.org.slug, "number": case.number})

    html = staff_client.get(url).content.decode()

    part = html[html.index('id="case-sla"') :]
    part = part[: part.index("</div>")]
    assert "Service level</strong>: Normal" in part
    assert '<span class="sla sla-at_risk">At risk</span>' in part
    assert "First response" in part and "Resolution" in part


def test_the_case_page_says_the_clock_stands_still_while_waiting(tenant, staff_client, cases):
    case = cases["paused"]
    url = reverse("cases:case_detail", kwargs={"org_slug": tenant.org.slug, "number": case.number})

    html = staff_client.get(url).content.decode()

    assert '<span class="sla sla-paused">Paused</span>' in html
    assert "The clock stands still while the case is waiting" in html


def test_outsiders_get_404_for_the_lists_and_the_case_page(tenant, outsider_client, cases):
    case = cases["at_risk"]
    for url in (
        list_url(tenant.org, sort="due", sla="at_risk"),
        inbox_url(tenant.org, sort="due"),
        reverse("cases:case_detail", kwargs={"org_slug": tenant.org.slug, "number": case.number}),
    ):
        assert outsider_client.get(url).status_code == 404
