"""Short per-person caches of figures shown on every page (the inbox's tab counts, the bell's
unread count, the saved views' menu counts): one key per organization and user, and one way to
forget them after a write.

Forgetting happens at once and again when the transaction commits: a request that reads in
between would otherwise cache the figures of before the write for the whole lifetime.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction


def user_key(kind: str, org_id: int, user_id: int) -> str:
    return f"{kind}:{org_id}:{user_id}"


def forget_for_users(kind: str, org_id: int, user_ids: Iterable[int | None]) -> None:
    """Drop `kind`'s cached value of each of `user_ids` (None skipped) in organization `org_id`."""
    keys = [user_key(kind, org_id, pk) for pk in {pk for pk in user_ids if pk}]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))
