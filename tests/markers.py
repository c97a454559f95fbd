"""Marks for tests whose subject only PostgreSQL has (CI always runs them; `make test` without
DATABASE_URL uses SQLite and lists them as skipped with the reason)."""

import pytest
from django.db import connection


def postgresql_only(reason: str):
    return pytest.mark.skipif(
        connection.vendor != "postgresql", reason=f"PostgreSQL only: {reason}"
    )


BATCHED_WRITES = "SQLite splits bulk writes into batches of 999 parameters"
ROW_LOCKS = "needs concurrent transactions and row locks"
