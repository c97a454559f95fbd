"""Write the audit trail (`AuditEvent`): every service in every module calls `audit_record` in
its own transaction, so the event exists exactly when the change does.

    before = model_snapshot(customer, FIELDS)
    ... change and save customer ...
    changes = audit_changes(before, customer, FIELDS)
    if changes:
        audit_record(org=org, actor=actor, module="customers", obj=customer,
                     action="changed", changes=changes)

Values are stored as display text: related objects by `str()`, choices by their label and
yes/no in the source language (English; the events pages translate them back when shown),
dates and times as ISO 8601. A many-to-many field is the sorted names joined by ", ".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import translation

from organizations.models import ApiKey, Organization, User
from organizations.models_audit import AuditEvent
from organizations.scoping import check_same_org

ACTOR_LABEL_MAX = AuditEvent._meta.get_field("actor_label").max_length
OBJECT_LABEL_MAX = AuditEvent._meta.get_field("object_label").max_length


def audit_record(
    *,
    org: Organization,
    actor: User | str | None,
    module: str,
    obj: models.Model | None,
    action: str,
    changes: dict | None = None,
    label: str = "",
) -> AuditEvent:
    """Write one event in the caller's transaction. `actor` is the user, None for the system,
    or a text label ("API key 'ERP'", "Resident Kari"). `obj` is the object the event is about
    (record before deleting it: a deleted row has no id); `label` overrides `str(obj)`."""
    event = audit_build(
        org=org, actor=actor, module=module, obj=obj, action=action, changes=changes, label=label
    )
    event.save(force_insert=True)
    return event


def audit_created(
    *,
    org: Organization,
    actor: User | str | None,
    module: str,
    obj: models.Model,
    fields: Iterable[str],
    action: str = "created",
) -> AuditEvent:
    """A new object's event, with the values it was given ({field: ["", value]}, empty
    values left out)."""
    values = model_snapshot(obj, fields)
    changes = {name: ["", value] for name, value in values.items() if value}
    return audit_record(
        org=org, actor=actor, module=module, obj=obj, action=action, changes=changes
    )


def audit_build(
    *,
    org: Organization,
    actor: User | str | None,
    module: str,
    obj: models.Model | None,
    action: str,
    changes: dict | None = None,
    label: str = "",
) -> AuditEvent:
    """Like `audit_record` but unsaved, for `audit_bulk_create` when a service writes many."""
    if obj is not None and hasattr(obj, "organization_id"):
        check_same_org(org, obj)
    actor_user, actor_label = actor_fields(actor, org=org)
    return AuditEvent(
        organization_id=org.pk,
        actor=actor_user,
        actor_label=actor_label,
        module=module,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        object_label=(label or (str(obj) if obj is not None else ""))[:OBJECT_LABEL_MAX],
        action=action,
        changes=changes or {},
    )


def audit_bulk_create(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Insert built events in one statement."""
    events = list(events)
    if not events:
        return []
    return AuditEvent.objects.bulk_create(events)


def actor_fields(actor: Any, *, org: Organization | None = None) -> tuple[User | None, str]:
    """(user or None, label) for whoever acted."""
    if actor is None:
        return None, ""
    if isinstance(actor, str):
        return None, actor[:ACTOR_LABEL_MAX]
    if isinstance(actor, User):
        return actor, str(actor)[:ACTOR_LABEL_MAX]
    if isinstance(actor, ApiKey):
        return None, api_key_label(actor, org=org)
    if not getattr(actor, "is_authenticated", True):  # AnonymousUser
        return None, ""
    return None, str(actor)[:ACTOR_LABEL_MAX]


def api_key_label(key: ApiKey, *, org: Organization | None = None) -> str:
    """ "API key “ERP”", in the organization's language (the label is stored as text)."""
    with translation.override(org.default_language if org is not None else None):
        label = translation.gettext("API key “%(name)s”") % {"name": key.name}
    return label[:ACTOR_LABEL_MAX]


def model_snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """{field: display text} of `obj` now, to compare with `audit_changes` after a change."""
    return {name: display_value(obj, name) for name in fields}


def audit_changes(before: dict, obj: models.Model, fields: Iterable[str]) -> dict:
    """{field: [old, new]} for the fields whose display text differs from `before`."""
    after = model_snapshot(obj, fields)
    return {
        name: [before.get(name, ""), new]
        for name, new in after.items()
        if before.get(name, "") != new
    }


def display_value(obj: models.Model, name: str) -> str:
    """One field of `obj` as stored display text (see the module's docstring)."""
    try:
        field = obj._meta.get_field(name)
    except models.FieldDoesNotExist:
        return value_text(getattr(obj, name, None))
    if field.many_to_many:
        if obj.pk is None:
            return ""
        return ", ".join(sorted(str(item) for item in getattr(obj, name).all()))
    if field.is_relation:
        if getattr(obj, field.attname, None) is None:
            return ""
        return value_text(getattr(obj, name))
    value = getattr(obj, field.attname)
    if field.choices and value not in (None, ""):
        with translation.override(None):
            return str(dict(field.flatchoices).get(value, value))
    return value_text(value)


def value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        with translation.override(None):
            return str(translation.gettext("Yes") if value else translation.gettext("No"))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(sorted(value_text(item) for item in value))
    if isinstance(value, FieldFile):
        return value.name or ""
    return str(value)
