from __future__ import annotations

import functools

from notifications.selectors import cached_unread_count, unread_elsewhere
from organizations.user_cache import frame_values


class UnreadElsewhere:
    """The switcher's unread counts per other organization, read (one query) only when the
    switcher is shown: `total`, and `for_org(id)` through the `unread_for` filter."""

    def __init__(self, org, user):
        self.org, self.user = org, user

    @functools.cached_property
    def counts(self) -> dict[int, int]:
        return unread_elsewhere(self.org, self.user)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def for_org(self, org_id: int) -> int:
        return self.counts.get(org_id, 0)


def bell(request):
    """The unread count for the top-bar bell of the current organization.

    One count on the partial index `notification_unread_idx`, and only when a page shows the
    bell: the template calls `bell_unread_count`; fragments that do not, cost nothing. The
    count is cached briefly (notifications.selectors.cached_unread_count).
    """
    org = getattr(request, "org", None)
    user = getattr(request, "user", None)
    if org is None or user is None or not user.is_authenticated:
        return {}

    @functools.cache
    def count() -> int:
        return cached_unread_count(org, user, frame_values(request))

    return {
        "bell_enabled": True,
        "bell_unread_count": count,
        "unread_elsewhere": UnreadElsewhere(org, user),
    }
