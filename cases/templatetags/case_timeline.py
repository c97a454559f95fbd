"""Rendering case history: each CaseEvent as one sentence in the reader's language.

Events store raw values (choice keys, ISO dates, display names); labels are looked up here, at
render time, so a Swedish reader sees Swedish status names on a case a Norwegian changed.
"""

from __future__ import annotations

import datetime

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cases.mentions import mentions_to_html
from cases.models import Case, CaseEvent, Task

register = template.Library()
Kind = CaseEvent.Kind

CHOICE_LABELS = {
    "status": dict(Case.Status.choices),
    "priority": dict(Case.Priority.choices),
    "source": dict(Case.Source.choices),
    "contact_method": dict(Case.ContactMethod.choices),
}
# Long texts: the sentence names the field, the new text is shown below it.
LONG_FIELDS = {"description", "resolution"}


def field_label(name: str) -> str:
    try:
        return str(Case._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field an old event named that the model no longer has
        return name


def value_label(name: str, value: str) -> str:
    if value == "":
        return _("none")
    if name in CHOICE_LABELS:
        return str(CHOICE_LABELS[name].get(value, value))
    if name == "deadline":
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    if name == "visible_to_customer":
        return _("yes") if value == "1" else _("no")
    return value


def minutes_hm(minutes: int | str | None) -> str:
    """90 -> "1:30"."""
    try:
        minutes = int(minutes or 0)
    except (TypeError, ValueError):
        return ""
    return f"{minutes // 60}:{minutes % 60:02d}"


register.filter("minutes_hm", minutes_hm)


def _fmt(text: str, **values) -> SafeString:
    """Fill a translated "%(name)s" text with values, escaping both (values may be safe HTML)."""
    return mark_safe(  # noqa: S308 - the text and every value are escaped here
        conditional_escape(text) % {k: conditional_escape(v) for k, v in values.items()}
    )


def _quoted(value: str) -> SafeString:
    return format_html("<strong>“{}”</strong>", value)


@register.simple_tag
def event_summary(event: CaseEvent) -> SafeString:
    """What happened, as the part of a sentence that follows the actor's name."""
    kind, name = event.kind, event.field
    if kind == Kind.CREATED:
        source = (event.data or {}).get("source")
        if source:
            return _fmt(
                _("created the case (source: %(source)s)"), source=value_label("source", source)
            )
        return _fmt(_("created the case"))
    if kind == Kind.NOTE:
        return _fmt(_("added an internal note"))
    if kind == Kind.TASK_ADDED:
        return _fmt(_("added the task %(task)s"), task=_quoted(event.new_value))
    if kind == Kind.TASK_DONE:
        title = event.task.title if event.task else event.old_value
        return _fmt(_("completed the task %(task)s"), task=_quoted(title))
    if kind == Kind.FIELD and name == "task_status":
        title = event.task.title if event.task else ""
        return _fmt(_("reopened the task %(task)s"), task=_quoted(title))
    if kind == Kind.ATTACHMENT:
        return _fmt(_("attached %(file)s"), file=_quoted(event.new_value))
    if kind == Kind.TIME:
        return _time_summary(event)
    if kind == Kind.CLOSED:
        return _fmt(_("closed the case"))
    if kind == Kind.REOPENED:
        return _fmt(_("reopened the case"))
    if name and kind != Kind.NOTIFICATION:
        return _change_summary(event)
    return _fmt(str(event.get_kind_display()))


def _change_summary(event: CaseEvent) -> SafeString:
    name = event.field
    label = field_label(name)
    if name in LONG_FIELDS:
        return _fmt(_("changed the %(field)s:"), field=label)
    if name == "customer" and not event.new_value:
        return _fmt(_("unlinked the customer %(customer)s"), customer=_quoted(event.old_value))
    return _fmt(
        _("changed the %(field)s from %(old)s to %(new)s"),
        field=label,
        old=format_html('<span class="old-value">{}</span>', value_label(name, event.old_value)),
        new=format_html(
            '<strong class="new-value">{}</strong>', value_label(name, event.new_value)
        ),
    )


def _time_summary(event: CaseEvent) -> SafeString:
    entry = event.time_entry
    minutes = entry.minutes if entry else (event.data or {}).get("minutes", event.new_value)
    duration = format_html("<strong>{}</strong>", minutes_hm(minutes))
    user = entry.user if entry else None
    if user is not None and event.actor_id and user.pk != event.actor_id:
        return _fmt(_("logged %(duration)s for %(user)s"), duration=duration, user=str(user))
    return _fmt(_("logged %(duration)s"), duration=duration)


@register.simple_tag
def long_value(event: CaseEvent) -> str:
    """The new text of a long field (description, resolution), or ""."""
    return event.new_value if event.field in LONG_FIELDS else ""


@register.simple_tag
def note_html(body: str, mention_ids) -> SafeString:
    """A note's body: escaped, mentions of real members highlighted, line breaks kept."""
    html = mentions_to_html(body, set(mention_ids or ()))
    return mark_safe(html.replace("\n", "<br>"))  # noqa: S308 - escaped by mentions_to_html


@register.filter
def task_is_overdue(task: Task) -> bool:
    return bool(task.due_date and not task.is_done and task.due_date < timezone.localdate())


@register.filter
def as_list(obj) -> list:
    return [obj] if obj else []
