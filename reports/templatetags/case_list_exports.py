"""`{% case_list_actions current_url %}`: the case list's export and "save this view" links, for
the filter and sort the table shows (the query string of `current_url`, without paging)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.http import QueryDict

from reports.services.case_export import normalized_query

register = template.Library()


@register.inclusion_tag("reports/_case_list_actions.html", takes_context=True)
def case_list_actions(context: template.Context, current_url: str) -> dict:
    query = normalized_query(QueryDict(urlsplit(current_url or "").query))
    return {"org": context.get("org"), "query": query, "sep": "&" if query else ""}
