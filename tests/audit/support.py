"""Helpers of the audit trail tests."""

from __future__ import annotations

from organizations.models_audit import AuditEvent


def events_of(obj, action: str | None = None) -> list[AuditEvent]:
    """The object's audit events, oldest first."""
    events = AuditEvent.objects.filter(
        organization_id=_org_id(obj), object_type=obj._meta.label_lower, object_id=obj.pk
    )
    if action is not None:
        events = events.filter(action=action)
    return list(events.order_by("created_at", "id"))


def last_event(obj, action: str | None = None) -> AuditEvent:
    found = events_of(obj, action)
    assert found, f"no {action or ''} event for {obj!r}"
    return found[-1]


def _org_id(obj) -> int:
    return obj.organization_id if hasattr(obj, "organization_id") else obj.pk


def audit_inserts(ctx) -> int:
    """How many INSERTs into the audit table a CaptureQueriesContext saw."""
    table = AuditEvent._meta.db_table
    return sum(
        1 for query in ctx.captured_queries if query["sql"].startswith(f'INSERT INTO "{table}"')
    )
