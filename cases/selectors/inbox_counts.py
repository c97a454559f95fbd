"""The inbox's tab counts, cached briefly per organization and user (no imports of the case
services or selectors, which use it)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache

from organizations.user_cache import forget_for_users, user_key

# The tab counts are cached per organization and user for this long, as help desks cache their
# view counts: counting an inbox of ~15,000 cases is most of the page's database time, while
# the page of rows itself stays live. A change through the case services forgets the counts of
# its actor and of the case's assignee and creator at once (cases.services.events); other
# inboxes a change reaches (a mention, a task, a team's list) catch up within this time.
COUNTS_TTL = 30
# Counts older than this are counted again after the response has gone (the inbox view,
# organizations/after_response.py): someone working in the inbox never waits for the counting
# (about two thirds of the page's database time), and the counts shown stay at most COUNTS_TTL
# old. Only the first request after COUNTS_TTL without one counts before it answers.
REFRESH_AFTER = 15


KIND = "inbox-counts"


@dataclass(frozen=True)
class KnownCounts:
    counts: dict[str, int]
    due: bool  # older than REFRESH_AFTER: count again after this response


def inbox_counts_key(org_id: int, user_id: int) -> str:
    return user_key(KIND, org_id, user_id)


def forget_inbox_counts(org_id: int, user_ids) -> None:
    """Drop the cached tab counts of `user_ids` in organization `org_id`."""
    forget_for_users(KIND, org_id, user_ids)


def cached_inbox_counts(org, user) -> KnownCounts | None:
    kept = cache.get(inbox_counts_key(org.pk, user.pk))
    if not isinstance(kept, tuple):  # none, or kept by an earlier release as the counts alone
        return None
    counted_at, counts = kept
    return KnownCounts(counts, due=time.time() - counted_at >= REFRESH_AFTER)


def remember_inbox_counts(org, user, counts: dict[str, int]) -> None:
    cache.set(inbox_counts_key(org.pk, user.pk), (time.time(), counts), COUNTS_TTL)
