"""A form renderer that builds <select> in Python, for pages with many or long pickers.

Django renders a template per <option>; a staff picker, a supplier picker and a tag picker on one
page are hundreds of template renders, more than the rest of the page. FAST_RENDERER produces
the same markup as Django's templates, byte for byte (tests compare them); every other widget
still renders through its template. Use it as a form's `default_renderer` or set
`form.renderer`.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _text(value) -> str:
    """`{{ value }}` in a template: localized and escaped."""
    return conditional_escape(localize(value))


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}` in a template."""
    text = "%s" % value  # noqa: UP031 - exactly what the stringformat filter does
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)  # noqa: S308


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html, in the same order and form."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class FastSelectRenderer(DjangoTemplates):
    """Django's form renderer, but <select> (without custom option templates) built in Python."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget", {})
        groups = widget.get("optgroups") if template_name == SELECT_TEMPLATE else None
        if groups is None or any(
            option["template_name"] != OPTION_TEMPLATE
            for _, options, _ in groups
            for option in options
        ):
            return super().render(template_name, context, request=request)
        out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in groups:
            if group_name:
                out.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in options:
                out.append(
                    f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{_text(option['label'])}</option>\n"
                )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))  # noqa: S308 - every value is escaped above


FAST_RENDERER = FastSelectRenderer()
