"""The organization switcher's unread counts (notifications.context_processors)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def unread_for(unread_elsewhere, org_id) -> int:
    """Unread notifications in organization `org_id` (0 when unknown or without the bell)."""
    if unread_elsewhere is None or unread_elsewhere == "":
        return 0
    return unread_elsewhere.for_org(org_id)
