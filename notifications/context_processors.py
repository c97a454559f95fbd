from __future__ import annotations

import functools

from notifications.selectors import unread_count


def bell(request):
    """The unread count for the top-bar bell of the current organization.

    One count on the partial index `notification_unread_idx`, and only when a page shows the
    bell: the template calls `bell_unread_count`; fragments that do not, cost nothing.
    """
    org = getattr(request, "org", None)
    user = getattr(request, "user", None)
    if org is None or user is None or not user.is_authenticated:
        return {}

    @functools.cache
    def count() -> int:
        return unread_count(org, user)

    return {"bell_enabled": True, "bell_unread_count": count}
