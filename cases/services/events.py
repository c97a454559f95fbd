from __future__ import annotations

from typing import Any

from cases.models import Case, CaseEvent
from organizations.models import User


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
    """Append one history entry. Choice fields store their value (labels are rendered later,
    in the reader's language); related objects store their display name."""
    return CaseEvent.objects.create(
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
    """Like event_record but unsaved, for bulk_create."""
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
