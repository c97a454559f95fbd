from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField
from django.utils import translation
from django.utils.translation import gettext

from cases.models import Case, CaseEvent, Task
from cases.selectors.inbox_counts import forget_inbox_counts
from organizations.audit import actor_fields, audit_bulk_create, value_text
from organizations.models import User
from organizations.models_audit import AuditAction, AuditEvent, AuditModule


def event_record(
    *,
    case: Case,
    actor: User | None,
    kind: str,
    field: str = "",
    old: Any = "",
    new: Any = "",
    data: dict | None = None,
    **refs: Any,
) -> CaseEvent:
    """Append one history entry (and its audit row). Choice fields store their value (labels
    are rendered later, in the reader's language); related objects store their display name."""
    event = CaseEvent(
        organization_id=case.organization_id,
        case=case,
        actor=actor,
        kind=kind,
        field=field,
        old_value=_text(old),
        new_value=_text(new),
        data=data or {},
        **refs,
    )
    return event_save(event)


def event_build(
    *,
    case: Case,
    actor: User | None,
    kind: str,
    field: str = "",
    old: Any = "",
    new: Any = "",
    data: dict | None = None,
    **refs: Any,
) -> CaseEvent:
    """Like event_record but unsaved, for `events_save` (which writes the audit rows too)."""
    return CaseEvent(
        organization_id=case.organization_id,
        case=case,
        actor=actor,
        kind=kind,
        field=field,
        old_value=_text(old),
        new_value=_text(new),
        data=data or {},
        **refs,
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def event_save(event: CaseEvent) -> CaseEvent:
    """Insert a built event and its audit row (for code that sets more on the event first)."""
    event.save(force_insert=True)
    audit_bulk_create([audit_event_for(event)])
    _forget_counts([event])
    return event


def events_save(events: list[CaseEvent], *, batch_size: int | None = None) -> list[CaseEvent]:
    """Insert built events and their audit rows: two statements however many (bulk paths)."""
    events = list(events)
    if not events:
        return events
    CaseEvent.objects.bulk_create(events, batch_size=batch_size)
    audit_bulk_create([audit_event_for(event) for event in events])
    _forget_counts(events)
    return events


def _forget_counts(events: list[CaseEvent]) -> None:
    """Every change to a case writes history, so here the inbox tab counts its actor and the
    case's assignee and creator see are forgotten (cached briefly, cases.selectors.inbox)."""
    by_org: dict[int, set[int]] = {}
    for event in events:
        case = event.case
        by_org.setdefault(event.organization_id, set()).update(
            (event.actor_id, case.assignee_id, case.created_by_id)
        )
    for org_id, user_ids in by_org.items():
        forget_inbox_counts(org_id, user_ids)


# What each kind of history entry is in the organization's audit trail (organizations.audit):
# field changes are "changed" with [old, new]; the rest their own verb.
AUDIT_ACTIONS = {
    CaseEvent.Kind.CREATED: AuditAction.CREATED,
    CaseEvent.Kind.CLOSED: AuditAction.CLOSED,
    CaseEvent.Kind.REOPENED: AuditAction.REOPENED,
    CaseEvent.Kind.NOTE: AuditAction.NOTE_ADDED,
    CaseEvent.Kind.TASK_ADDED: AuditAction.TASK_ADDED,
    CaseEvent.Kind.TASK_DONE: AuditAction.TASK_DONE,
    CaseEvent.Kind.ATTACHMENT: AuditAction.ATTACHED,
    CaseEvent.Kind.TIME: AuditAction.TIME_LOGGED,
    CaseEvent.Kind.NOTIFICATION: AuditAction.MESSAGE_REQUESTED,
    CaseEvent.Kind.MESSAGE_OUT: AuditAction.SENT,
    CaseEvent.Kind.MESSAGE_IN: AuditAction.RECEIVED,
    CaseEvent.Kind.MERGED: AuditAction.MERGED,
}
# The value a non-field entry shows, under this name (the events pages label it).
AUDIT_VALUE_NAMES = {
    CaseEvent.Kind.TASK_ADDED: "task",
    CaseEvent.Kind.ATTACHMENT: "attachment",
    CaseEvent.Kind.TIME: "minutes",
    CaseEvent.Kind.MERGED: "case",  # old: the merged case's number, new: the survivor's
}


def audit_event_for(event: CaseEvent) -> AuditEvent:
    """The audit row of a case history entry, with the same old and new values (choices by
    their label in the source language, yes/no for flags, as organizations.audit stores them).
    Reads nothing from the database."""
    case = event.case
    data = event.data or {}
    actor, label = actor_fields(event.actor)
    if actor is None and data.get("api_key"):
        label = gettext("API key %(prefix)s…") % {"prefix": data["api_key"]}
    elif actor is None and event.kind == CaseEvent.Kind.MESSAGE_IN:
        label = str(data.get("from_name") or data.get("from") or "")[:200]
    changes: dict[str, list[str]] = {}
    if event.field:
        changes[event.field] = [
            _audit_text(event.field, event.old_value),
            _audit_text(event.field, event.new_value),
        ]
    elif event.kind == CaseEvent.Kind.TASK_DONE:  # old: the task's title, new: the note
        changes = {"task": [event.old_value, event.old_value]}
        if event.new_value:
            changes["completion_note"] = ["", event.new_value]
    elif event.kind in AUDIT_VALUE_NAMES and (event.old_value or event.new_value):
        changes[AUDIT_VALUE_NAMES[event.kind]] = [event.old_value, event.new_value]
    elif event.kind == CaseEvent.Kind.MESSAGE_OUT:
        changes = {k: ["", str(data[k])] for k in ("to", "subject") if data.get(k)}
    elif event.kind == CaseEvent.Kind.MESSAGE_IN and data.get("subject"):
        changes = {"subject": ["", str(data["subject"])]}
    return AuditEvent(
        organization_id=event.organization_id,
        actor=actor,
        actor_label=label,
        module=AuditModule.CASES,
        object_type=Case._meta.label_lower,
        object_id=case.pk,
        object_label=str(case)[:300],
        action=AUDIT_ACTIONS.get(event.kind, AuditAction.CHANGED),
        changes=changes,
        created_at=event.created_at,
    )


def _audit_text(field: str, value: str) -> str:
    try:
        if field == "task_status":  # a task reopened on the case
            model_field = Task._meta.get_field("status")
        else:
            model_field = Case._meta.get_field(field)
    except FieldDoesNotExist:
        return value
    if model_field.choices and value:
        with translation.override(None):
            return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, BooleanField) and value in ("0", "1"):
        return value_text(value == "1")
    return value
