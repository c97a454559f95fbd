"""The inbox's tab counts, cached briefly per organization and user (no imports of the case
services or selectors, which use it)."""

from __future__ import annotations

from django.core.cache import cache

from organizations.user_cache import forget_for_users, user_key

# The tab counts are cached per organization and user for this long, as help desks cache their
# view counts: counting an inbox of ~15,000 cases is most of the page's database time, while
# the page of rows itself stays live. A change through the case services forgets the counts of
# its actor and of the case's assignee and creator at once (cases.services.events); other
# inboxes a change reaches (a mention, a task, a team's list) catch up within this time.
COUNTS_TTL = 30


KIND = "inbox-counts"


def inbox_counts_key(org_id: int, user_id: int) -> str:
    return user_key(KIND, org_id, user_id)


def forget_inbox_counts(org_id: int, user_ids) -> None:
    """Drop the cached tab counts of `user_ids` in organization `org_id`."""
    forget_for_users(KIND, org_id, user_ids)


def cached_inbox_counts(org, user) -> dict[str, int] | None:
    return cache.get(inbox_counts_key(org.pk, user.pk))


def remember_inbox_counts(org, user, counts: dict[str, int]) -> None:
    cache.set(inbox_counts_key(org.pk, user.pk), counts, COUNTS_TTL)
