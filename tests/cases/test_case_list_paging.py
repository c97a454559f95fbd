"""Keyset pagination of the case list: every row exactly once, in order, in both directions,
for every sortable column, with ties and empty deadlines; no OFFSET anywhere."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case
from cases.selectors import lists
from cases.selectors.keyset import decode_cursor, encode_cursor
from cases.selectors.lists import SORT_KEYS, case_page
from cases.services.cases import CaseData, case_create_many

pytestmark = pytest.mark.django_db

PRIORITIES = ["low", "normal", "high", "critical"]
STATUSES = ["new", "in_progress", "waiting", "resolved", "closed"]


@pytest.fixture
def mixed_cases(tenant):
    """23 cases with many ties in every sort key and some without deadline."""
    base = datetime.date(2026, 3, 1)
    items = [
        CaseData(
            title=f"Case {i}",
            priority=PRIORITIES[i % 4],
            deadline=None if i % 5 == 0 else base + datetime.timedelta(days=i % 3),
        )
        for i in range(23)
    ]
    cases = case_create_many(org=tenant.org, actor=tenant.caseworker, items=items)
    # Same created_at for all (one bulk insert) already makes ties; spread statuses too.
    for i, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(status=STATUSES[i % 5])
    return Case.objects.filter(organization=tenant.org)


def _expected(qs, key: str, descending: bool) -> list[int]:
    rows = list(
        qs.values("pk", "number", "created_at", "deadline", "priority", "status", "sla_next_due")
    )
    value = {
        "number": lambda r: r["number"],
        "created": lambda r: r["created_at"],
        "deadline": lambda r: r["deadline"],
        "priority": lambda r: PRIORITIES.index(r["priority"]),
        "status": lambda r: STATUSES.index(r["status"]),
        "due": lambda r: r["sla_next_due"],
    }[key]
    present = [r for r in rows if value(r) is not None]
    empty = [r for r in rows if value(r) is None]
    present.sort(key=lambda r: (value(r), r["pk"]), reverse=descending)
    empty.sort(key=lambda r: r["pk"], reverse=descending)
    return [r["pk"] for r in present + empty]  # empty values last in both directions


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("key", list(SORT_KEYS))
def test_walking_forward_and_back_visits_every_case_once_in_order(mixed_cases, key, descending):
    sort = f"-{key}" if descending else key
    pages, after = [], None
    while True:
        page = case_page(mixed_cases, sort=sort, after=after, size=5)
        pages.append([c.pk for c in page.rows])
        if not page.has_next:
            break
        after = page.next_cursor

    assert [pk for p in pages for pk in p] == _expected(mixed_cases, key, descending)
    assert len(pages) == 5  # 23 rows, 5 a page

    # And back from the last page with the "previous" cursors.
    back, before = [], case_page(mixed_cases, sort=sort, after=after, size=5).prev_cursor
    while before:
        page = case_page(mixed_cases, sort=sort, before=before, size=5)
        back.insert(0, [c.pk for c in page.rows])
        before = page.prev_cursor
    assert back == pages[:-1]


def test_a_page_is_one_query_without_offset(mixed_cases):
    first = case_page(mixed_cases, sort="-created", size=5)

    with CaptureQueriesContext(connection) as ctx:
        case_page(mixed_cases, sort="-created", after=first.next_cursor, size=5)

    assert len(ctx.captured_queries) == 1
    assert "OFFSET" not in ctx.captured_queries[0]["sql"].upper()


def test_first_page_has_no_previous_link(mixed_cases):
    page = case_page(mixed_cases, size=5)

    assert page.has_next and not page.has_prev


@pytest.mark.parametrize("token", ["", "garbage", "W10", encode_cursor("x", 1), "eyJhIjoxfQ"])
def test_a_broken_cursor_means_the_first_page(token):
    assert decode_cursor(token, SORT_KEYS["created"]) is None


def test_cursor_round_trips_dates_and_times():
    moment = datetime.datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=datetime.UTC)

    assert decode_cursor(encode_cursor(moment, 7), SORT_KEYS["created"]) == (moment, 7)
    assert decode_cursor(encode_cursor(None, 7), SORT_KEYS["deadline"]) == (None, 7)


def test_case_list_next_and_previous_links_walk_the_pages(tenant, staff_client, monkeypatch):
    monkeypatch.setattr(lists, "PAGE_SIZE", 4)
    case_create_many(
        org=tenant.org,
        actor=tenant.caseworker,
        items=[CaseData(title=f"Case {i}") for i in range(10)],
    )
    url = reverse("cases:case_list", kwargs={"org_slug": tenant.org.slug}) + "?sort=number"

    seen, response = [], staff_client.get(url)
    while True:
        seen += [c.number for c in response.context["page"].rows]
        if not response.context["next_link"]:
            break
        response = staff_client.get(response.context["next_link"].href)

    assert seen == list(range(1, 11))
    html = response.content.decode()
    assert 'rel="prev"' in html and 'rel="next"' not in html
    assert "sort=number" in response.context["prev_link"].href
