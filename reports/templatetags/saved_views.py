"""`{% saved_views_menu %}`: the left menu's saved views, from the cache only (no query; read
with the rest of the page's frame, organizations.user_cache.frame_values)."""

from __future__ import annotations

from django import template

from organizations.user_cache import frame_values
from reports.services.saved_views import cached_menu

register = template.Library()


@register.inclusion_tag("reports/_saved_views_menu.html", takes_context=True)
def saved_views_menu(context: template.Context) -> dict:
    request = context.get("request")
    org = context.get("org")
    user = getattr(request, "user", None)
    if org is None or user is None:
        return {"org": org, "saved_views": None}
    frame = frame_values(request) if getattr(request, "org", None) == org else None
    entries = cached_menu(org, user, frame)
    return {"org": org, "saved_views": entries}
