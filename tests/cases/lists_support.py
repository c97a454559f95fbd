"""Helpers shared by the inbox, case list and bulk-action tests."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Category
from cases.services.cases import CaseData, case_create_many
from tests.factories.customers import CustomerFactory
from tests.factories.properties import PropertyFactory


def rich_cases(org, actor, count: int, **fields) -> list[Case]:
    """`count` cases, each with its own customer and property, a category and `fields`."""
    category = Category.objects.filter(organization=org).first()
    items = []
    for i in range(count):
        data = {
            "title": f"Case {i}",
            "customer": CustomerFactory(organization=org),
            "property": PropertyFactory(organization=org),
            "category": category,
        }
        data.update(fields)
        items.append(CaseData(**data))
    return case_create_many(org=org, actor=actor, items=items)


def queries_for_get(client: Client, url: str, **headers) -> tuple[int, object]:
    """(number of SQL queries, response) of one GET, after a first one that lets the session
    settle (its first write, e.g. the last organization visited, is not the page's cost)."""
    client.get(url, headers=headers)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries), response


def numbers_in(response) -> list[int]:
    """Case numbers of the table rows, in page order."""
    page = response.context["page"]
    return [case.number for case in page.rows]
