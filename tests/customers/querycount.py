"""Measure what a page costs, for the "same queries for 1 and 50 rows" tests."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for_page(client, url: str) -> int:
    """Queries one GET of `url` costs once the session is warm (the first request fills it)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)
