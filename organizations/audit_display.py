"""How audit events read on the events pages and in the CSV: field names by the model's own
labels, choices and yes/no translated back from the source language they are stored in, times
in the current time zone, and a link to each object that still has a page.

Apps above `organizations` say where their objects' pages are with `register_object_links`
(in their AppConfig.ready), so this module imports none of them.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import Organization
from organizations.models_audit import AuditEvent, AuditModule

# Names in `changes` that are no field of the object's model.
EXTRA_LABELS = {
    "task": gettext_lazy("Task"),
    "task_status": gettext_lazy("Task status"),
    "completion_note": gettext_lazy("Completion note"),
    "attachment": gettext_lazy("File"),
    "minutes": gettext_lazy("Minutes"),
    "to": gettext_lazy("To"),
    "subject": gettext_lazy("Subject"),
    "reason": gettext_lazy("Reason"),
    "case": gettext_lazy("Case"),
    "customer": gettext_lazy("Customer"),
    "property": gettext_lazy("Property"),
    "password": gettext_lazy("Password"),
    "members": gettext_lazy("Members"),
}
EVENTS_TAB_PREFIX = "events:"  # organization settings: "events:<module>" is a module's switch

ObjectLinks = Callable[[Organization, list[int]], dict[int, str]]
_object_links: dict[str, ObjectLinks] = {}


def register_object_links(object_type: str, links: ObjectLinks) -> None:
    """`links(org, ids)` answers {id: URL of the object's page} for the ids that still have
    one, in at most one query."""
    _object_links[object_type] = links


@dataclass
class ChangeRow:
    name: str
    old: str
    new: str

    @property
    def is_context(self) -> bool:
        """The same before and after: shown as what the event concerns, not as a change."""
        return self.old == self.new


@dataclass
class EventRow:
    event: AuditEvent
    who: str
    module: str
    action: str
    changes: list[ChangeRow] = field(default_factory=list)
    url: str = ""

    @property
    def when(self) -> datetime.datetime:
        return self.event.created_at

    @property
    def changes_text(self) -> str:
        """One line for the CSV: "Field: old → new; Other: value"."""
        parts = []
        for change in self.changes:
            if change.is_context:
                parts.append(f"{change.name}: {change.new}")
            else:
                parts.append(f"{change.name}: {change.old or '—'} → {change.new or '—'}")
        return "; ".join(parts)


@functools.lru_cache(maxsize=512)
def _model_field(object_type: str, name: str) -> models.Field | None:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def field_label(object_type: str, name: str) -> str:
    if name.startswith(EVENTS_TAB_PREFIX):
        module = name[len(EVENTS_TAB_PREFIX) :]
        label = AuditModule(module).label if module in AuditModule.values else module
        return _("Events tab: %(module)s") % {"module": label}
    model_field = _model_field(object_type, name)
    if model_field is not None:
        return capfirst(str(model_field.verbose_name))
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    return capfirst(name.replace("_", " "))


def _source_choices(model_field: models.Field) -> dict[str, str]:
    """{label in the source language: label now}."""
    choices = list(model_field.flatchoices)
    with translation.override(None):
        source = [str(label) for _value, label in choices]
    return {old: str(label) for old, (_value, label) in zip(source, choices, strict=True)}


def value_label(object_type: str, name: str, value) -> str:
    """A stored display value, for the reader."""
    if value is None or value == "":
        return ""
    value = str(value)
    model_field = _model_field(object_type, name)
    if value in ("Yes", "No") and (
        name.startswith(EVENTS_TAB_PREFIX) or isinstance(model_field, models.BooleanField)
    ):
        return _("Yes") if value == "Yes" else _("No")
    if model_field is None:
        return value
    if model_field.choices:
        return _source_choices(model_field).get(value, value)
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    elif isinstance(model_field, models.DateField):
        day = parse_date(value)
        if day is not None:
            return formats.date_format(day, "SHORT_DATE_FORMAT")
    return value


def actor_text(event: AuditEvent) -> str:
    return event.actor_label or _("System")


def module_label(module: str) -> str:
    return str(AuditModule(module).label) if module in AuditModule.values else module


def event_row(event: AuditEvent) -> EventRow:
    changes = []
    for name, pair in (event.changes or {}).items():
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        old, new = pair
        changes.append(
            ChangeRow(
                name=field_label(event.object_type, name),
                old=value_label(event.object_type, name, old),
                new=value_label(event.object_type, name, new),
            )
        )
    return EventRow(
        event=event,
        who=actor_text(event),
        module=module_label(event.module),
        action=event.action_label,
        changes=changes,
    )


def event_rows(
    org: Organization, events: Iterable[AuditEvent], *, links: bool = True
) -> list[EventRow]:
    """The rows of a page; with `links`, each object's page (one query per object type)."""
    rows = [event_row(event) for event in events]
    if not links:
        return rows
    ids_by_type: dict[str, set[int]] = {}
    for row in rows:
        event = row.event
        if event.object_id is not None and event.object_type in _object_links:
            ids_by_type.setdefault(event.object_type, set()).add(event.object_id)
    urls = {
        object_type: _object_links[object_type](org, sorted(ids))
        for object_type, ids in ids_by_type.items()
    }
    for row in rows:
        row.url = urls.get(row.event.object_type, {}).get(row.event.object_id, "")
    return rows
