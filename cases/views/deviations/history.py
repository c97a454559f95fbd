"""The deviation's history as the page shows it: who, when, what, and each field's old and new
value, in the reader's language (the audit trail stores choice labels and yes/no in English)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Deviation, Task
from organizations.models_audit import AuditEvent

# Fields whose stored values are English labels that the catalogue translates back.
TRANSLATED_VALUES = {"type", "severity", "status"}

EXTRA_LABELS = {
    "case": gettext_lazy("Case"),
    "file": gettext_lazy("File"),
    "completion_note": gettext_lazy("What was done?"),
    "assignee": gettext_lazy("Given to"),
    "supplier": gettext_lazy("Supplier"),
}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    event: AuditEvent
    about_task: bool
    changes: list[Change]


def _label(name: str, model) -> str:
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:  # a field that no longer exists: show its name
        return name.replace("_", " ").capitalize()


def _value(name: str, value: object) -> str:
    text = "" if value is None else str(value)
    if name in TRANSLATED_VALUES and text:
        return _(text)
    return text


def history_entries(events: list[AuditEvent]) -> list[HistoryEntry]:
    task_type = Task._meta.label_lower
    entries = []
    for event in events:
        about_task = event.object_type == task_type
        model = Task if about_task else Deviation
        changes = []
        for name, pair in (event.changes or {}).items():
            old, new = (list(pair) + ["", ""])[:2] if isinstance(pair, list | tuple) else ("", pair)
            changes.append(Change(_label(name, model), _value(name, old), _value(name, new)))
        entries.append(HistoryEntry(event=event, about_task=about_task, changes=changes))
    return entries
