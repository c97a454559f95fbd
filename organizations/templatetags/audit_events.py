"""{% if org|events_on:"customers" %}: whether the module's pages show their Events tab (no
query: the switches are on the organization the request already has)."""

from django import template

register = template.Library()


@register.filter
def events_on(org, module: str) -> bool:
    return org is not None and org.events_enabled(module)
