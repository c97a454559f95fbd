"""Keeping the search's stemmed text current.

The text search vectors are made by database triggers in the organization's language
(cases/migrations/0013_search.py, search/migrations/0001_initial.py). When an organization
changes its language, its existing rows still hold words stemmed the old way, so a search (which
stems the query in the new language) would miss them: `search_vectors_rebuild` rewrites them.
"""

from __future__ import annotations

import logging

from django.db import connection

from organizations.models import Organization

logger = logging.getLogger(__name__)

# Each table with a search vector, and which of its rows have one (the triggers' own WHEN).
# Setting organization_id to itself fires the row's trigger, which recomputes the vector with the
# organization's current language: the vector's definition stays in one place, the migration.
VECTOR_TABLES = {
    "cases_case": "",
    "cases_note": "",
    "cases_caseevent": "AND kind IN ('message_in', 'message_out')",
    "inquiries_inquiry": "",
}


def search_vectors_rebuild(*, org: Organization) -> int:
    """Recompute the organization's search vectors in its current language; returns the rows
    rewritten. PostgreSQL only (SQLite's search has no vectors)."""
    if connection.vendor != "postgresql":
        return 0
    total = 0
    with connection.cursor() as cursor:
        for table, only in VECTOR_TABLES.items():
            cursor.execute(
                f"UPDATE {table} SET organization_id = organization_id"  # noqa: S608 - our names
                f" WHERE organization_id = %s {only}",
                [org.pk],
            )
            total += cursor.rowcount
    logger.info("search: %d rows of %s re-stemmed in %s", total, org.slug, org.default_language)
    return total
