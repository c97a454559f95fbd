"""`{% form_field field %}`: includes/field.html for one form field, rendered once per language
for the empty fields a page shows on every request (the case page's note, file, tag and close
forms), then reused.

A field is reused only when nothing of the request can show in it: an unbound form, no errors,
no value, no choices; everything else that shapes its HTML (label, help, widget and its
attributes, ids, language) is part of the key. Any other field renders as the include would.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

TEMPLATE = "includes/field.html"
_rendered: dict[tuple, str] = {}
_LIMIT = 2000  # distinct empty fields kept; far above what the pages use


def _key(field) -> tuple | None:
    form, widget = field.form, field.field.widget
    if form.is_bound or field.errors or hasattr(widget, "choices"):
        return None
    if field.value() not in (None, "", False):
        return None
    attrs = tuple(sorted((name, str(value)) for name, value in widget.attrs.items()))
    return (
        type(form),
        field.html_name,
        field.auto_id,
        str(field.label),
        str(field.help_text),
        field.field.required,
        field.field.disabled,
        type(widget),
        attrs,
        type(form.renderer),
        get_language(),
    )


@register.simple_tag
def form_field(field) -> str:
    key = _key(field)
    if key is None:
        return mark_safe(render_to_string(TEMPLATE, {"field": field}))  # noqa: S308
    html = _rendered.get(key)
    if html is None:
        html = render_to_string(TEMPLATE, {"field": field})
        if len(_rendered) < _LIMIT:
            _rendered[key] = html
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped there
