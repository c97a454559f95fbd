"""Changing many cases at once from the inbox and the case list.

Same meaning as `case_change` (one CaseEvent per changed case and field, the same status side
effects, an in-app notification to a new assignee) but with a fixed number of queries for any
number of cases: one read, one bulk UPDATE, one insert of events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, CaseTag, Tag
from cases.services.cases import (
    FIELD_KINDS,
    event_value,
    notify_assignees,
    staff_user_ids,
    status_side_effects,
)
from cases.services.events import event_build, events_save
from cases.services.service_levels import SlaContext, sla_after_change
from cases.services.tags import tag_names
from organizations.models import Organization, User
from organizations.web import parse_ids as web_parse_ids

# Closing needs a written resolution (see case_close), so bulk changes stop at "resolved".
BULK_STATUSES = [s for s in Case.Status.values if s != Case.Status.CLOSED]


@dataclass
class BulkResult:
    cases: list[Case] = field(default_factory=list)  # the cases of `org` that were found
    changed: int = 0  # how many of them actually changed
    ignored_ids: list[int] = field(default_factory=list)  # posted ids not in `org`
    events: list[CaseEvent] = field(default_factory=list)


def parse_ids(values: Iterable[str]) -> list[int]:
    """The distinct ids among `values`, in order; anything else ("²", 5,000 digits, a bigint
    overflow) is dropped. See `organizations.web.parse_id`."""
    return web_parse_ids(values)


@transaction.atomic
def cases_bulk_change(
    *,
    org: Organization,
    actor: User | None,
    case_ids: Iterable[int],
    assignee: User | None = None,
    status: str | None = None,
    priority: str | None = None,
    add_tag: Tag | None = None,
) -> BulkResult:
    """Apply the given changes to the cases of `org` among `case_ids`; other ids are ignored.

    Only the arguments given (not None) are applied. Queries: cases read (locked), assignee
    check, one UPDATE, tags read and insert, one insert of events, one of notifications.
    """
    ids = list(dict.fromkeys(case_ids))
    if status is not None and status not in BULK_STATUSES:
        raise ValidationError({"status": _("Choose a status other than closed.")})
    if priority is not None and priority not in Case.Priority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    if add_tag is not None and add_tag.organization_id != org.pk:
        raise ValidationError({"tag": _("That belongs to another organization.")})
    if assignee is not None and not staff_user_ids(org, [assignee.pk]):
        raise ValidationError(
            {"assignee": _("Cases can only be given to staff of this organization.")}
        )

    cases = list(
        Case.objects.filter(organization=org, pk__in=ids)
        .select_related("assignee")
        .order_by("pk")
        .select_for_update(of=("self",))
    )
    for case in cases:
        case.organization = org  # for links in notifications, without a query per case
    found = {c.pk for c in cases}
    result = BulkResult(cases=cases, ignored_ids=[i for i in ids if i not in found])

    changes = {"assignee": assignee, "status": status, "priority": priority}
    changes = {k: v for k, v in changes.items() if v is not None}
    now = timezone.now()
    dirty: dict[int, Case] = {}
    update_fields: set[str] = set()
    newly_assigned: list[Case] = []
    sla = SlaContext(org)  # read once, only if a status or priority changes
    for case in cases:
        sla_changed: dict[str, tuple] = {}
        for name, new in changes.items():
            old = getattr(case, name)
            if old == new:
                continue
            setattr(case, name, new)
            update_fields.add(name)
            result.events.append(
                event_build(
                    case=case,
                    actor=actor,
                    kind=FIELD_KINDS[name],
                    field=name,
                    old=event_value(old),
                    new=event_value(new),
                )
            )
            if name == "status":
                update_fields.update(status_side_effects(case, old, new, now))
            if name == "assignee":
                newly_assigned.append(case)
            if name in ("status", "priority"):
                sla_changed[name] = (old, new)
            dirty[case.pk] = case
        if sla_changed:  # due times computed here, written by the one bulk UPDATE below
            sla_fields, sla_events = sla_after_change(
                case, sla, changed=sla_changed, actor=actor, now=now
            )
            update_fields.update(sla_fields)
            result.events += sla_events

    if add_tag is not None and cases:
        dirty.update({c.pk: c for c in _add_tag(org, actor, cases, add_tag, result.events)})

    if update_fields:
        for case in dirty.values():
            case.updated_at = now
        Case.objects.bulk_update(
            list(dirty.values()), sorted(update_fields) + ["updated_at"], batch_size=500
        )
    elif dirty:  # only tags changed: still mark the cases as touched
        Case.objects.filter(pk__in=list(dirty)).update(updated_at=now)
    events_save(result.events, batch_size=500)
    notify_assignees(org, actor, newly_assigned)
    result.changed = len(dirty)
    return result


def _add_tag(org, actor, cases: list[Case], tag: Tag, events: list[CaseEvent]) -> list[Case]:
    """Link `tag` to the cases lacking it; returns those cases. Two queries."""
    current: dict[int, list[Tag]] = {c.pk: [] for c in cases}
    for link in CaseTag.objects.filter(case_id__in=list(current)).select_related("tag"):
        current[link.case_id].append(link.tag)
    lacking = [c for c in cases if all(t.pk != tag.pk for t in current[c.pk])]
    CaseTag.objects.bulk_create(
        [CaseTag(organization=org, case_id=c.pk, tag_id=tag.pk) for c in lacking],
        batch_size=500,
        ignore_conflicts=True,
    )
    for case in lacking:
        old = current[case.pk]
        new = [*old, tag]
        events.append(
            event_build(
                case=case,
                actor=actor,
                kind=CaseEvent.Kind.TAGS,
                field="tags",
                old=tag_names(old),
                new=tag_names(new),
                data={
                    "old_ids": sorted(t.pk for t in old),
                    "new_ids": sorted(t.pk for t in new),
                },
            )
        )
    return lacking
