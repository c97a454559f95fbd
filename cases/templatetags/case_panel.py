"""`{% panel_prop row %}`: one field of the case page's side panel (cases/detail/_prop.html),
built in Python while the field shows its value: thirteen includes of the template were a tenth
of the page's rendering. A field whose editor is open renders through the template as before.
"""

from __future__ import annotations

from django import template
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

PROP_TEMPLATE = "cases/detail/_prop.html"


@register.simple_tag(takes_context=True)
def panel_prop(context, row) -> str:
    if row.form is not None:
        with context.push(row=row):
            return get_template(PROP_TEMPLATE).template.render(context)
    case = context.get("case")
    overdue = row.name == "deadline" and case is not None and case.is_overdue
    if row.editable:
        value = format_html(
            '<a class="prop-value" href="{}" hx-get="{}" hx-target="#prop-{}-editor"'
            ' hx-swap="innerHTML" aria-label="{}"{}>{}</a>',
            row.edit_url,
            row.url,
            row.name,
            # The template's {% blocktranslate %}: the same message, so the same translations.
            _("%(label)s: %(value)s. Change") % {"label": row.label, "value": row.display},
            mark_safe(" data-focus") if context.get("focus") == row.name else "",
            row.display,
        )
    else:
        value = format_html('<span class="prop-fixed">{}</span>', row.display)
    return format_html(
        '<div class="prop{}" id="prop-{}">\n  <dt>{}</dt>\n  <dd>\n    {}\n    {}\n'
        '    <div class="prop-editor" id="prop-{}-editor"></div>\n  </dd>\n</div>\n',
        " is-overdue" if overdue else "",
        row.name,
        row.label,
        value,
        format_html('<span class="overdue-label">{}</span>', _("Overdue")) if overdue else "",
        row.name,
    )
