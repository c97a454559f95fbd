"""`{% saved_views_menu %}`: the left menu's saved views, from the cache only (no query)."""

from __future__ import annotations

from django import template

from reports.services.saved_views import cached_menu

register = template.Library()


@register.inclusion_tag("reports/_saved_views_menu.html", takes_context=True)
def saved_views_menu(context: template.Context) -> dict:
    request = context.get("request")
    org = context.get("org")
    user = getattr(request, "user", None)
    entries = cached_menu(org, user) if org is not None and user is not None else None
    return {"org": org, "saved_views": entries}
