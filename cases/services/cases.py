"""Creating cases and changing their fields, each change with its CaseEvent."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from cases.models import (
    Case,
    CaseContainer,
    CaseEvent,
    CaseTeam,
    Category,
    NotificationRequest,
)
from cases.services.closing import open_tasks_close, open_tasks_refuse
from cases.services.dates import date_check
from cases.services.events import event_build, events_save
from cases.services.messages import creation_notices, resolution_notice
from cases.services.numbering import case_numbers_reserve
from cases.services.service_levels import (
    POLICY_FIELDS,
    SlaContext,
    sla_after_change,
    sla_start,
)
from customers.models import Customer, Supplier
from notifications.models import Notification
from notifications.staff import (
    StaffNotice,
    absolute_url,
    notify_staff_many,
    supplier_email,
    supplier_users_by_supplier,
)
from organizations.models import Membership, Organization, Team, User
from organizations.scoping import check_same_org
from organizations.urlcache import reverse
from properties.models import Container, Property

Kind = CaseEvent.Kind


@dataclass
class CaseData:
    """Everything needed to open one case; used by single and bulk creation alike."""

    title: str
    description: str = ""
    category: Category | None = None
    priority: str = Case.Priority.NORMAL
    source: str = Case.Source.MANUAL
    contact_method: str = Case.ContactMethod.EMAIL
    customer: Customer | None = None
    property: Property | None = None
    containers: Sequence[Container] = ()
    assignee: User | None = None
    teams: Sequence[Team] = ()
    supplier: Supplier | None = None
    deadline: datetime.date | None = None
    external_reference: str = ""
    visible_to_customer: bool = False
    # (audience, channel, reason) triples from NotificationRequest's choices: the notices to
    # send once the case exists (cases/services/messages.py creation_notices).
    notify: Sequence[tuple[str, str, str]] = ()
    event_data: dict = field(default_factory=dict)


def case_url(case: Case) -> str:
    return reverse(
        "cases:case_detail", kwargs={"org_slug": case.organization.slug, "number": case.number}
    )


def staff_user_ids(org: Organization, user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` are active admins or caseworkers of `org` (one query)."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return set()
    return set(
        Membership.objects.filter(
            organization=org,
            user_id__in=ids,
            is_active=True,
            role__in=[Membership.Role.ADMIN, Membership.Role.CASEWORKER],
        ).values_list("user_id", flat=True)
    )


def _validate(org: Organization, items: Sequence[CaseData]) -> None:
    for item in items:
        if not item.title.strip():
            raise ValidationError({"title": _("A case needs a title.")})
        if item.priority not in Case.Priority.values:
            raise ValidationError({"priority": _("Unknown priority.")})
        if item.source not in Case.Source.values:
            raise ValidationError({"source": _("Unknown source.")})
        date_check(item.deadline, "deadline")
        check_same_org(
            org,
            item.category,
            item.customer,
            item.property,
            item.supplier,
            *item.containers,
            *item.teams,
        )
    assignees = {item.assignee.pk for item in items if item.assignee}
    if assignees - staff_user_ids(org, assignees):
        raise ValidationError(
            {"assignee": _("Cases can only be given to staff of this organization.")}
        )


@transaction.atomic
def case_create_many(
    *, org: Organization, actor: User | None, items: Sequence[CaseData]
) -> list[Case]:
    """Open many cases with a fixed number of queries, whatever their count."""
    if not items:
        return []
    _validate(org, items)
    numbers = case_numbers_reserve(org, len(items))
    now = timezone.now()
    cases = [
        Case(
            organization=org,
            number=number,
            title=item.title.strip()[:200],
            description=item.description,
            category=item.category,
            priority=item.priority,
            source=item.source,
            contact_method=item.contact_method,
            customer=item.customer,
            property=item.property,
            assignee=item.assignee,
            supplier=item.supplier,
            deadline=item.deadline,
            external_reference=item.external_reference,
            visible_to_customer=item.visible_to_customer,
            created_by=actor,
            created_at=now,
        )
        for number, item in zip(numbers, items, strict=True)
    ]
    sla = SlaContext(org)  # service-level policy and due times, computed here in Python
    for case in cases:
        sla_start(case, sla)
    Case.objects.bulk_create(cases)
    if any(c.pk is None for c in cases):  # databases that return no ids (not PostgreSQL/SQLite)
        by_number = dict(
            Case.objects.filter(organization=org, number__in=list(numbers)).values_list(
                "number", "pk"
            )
        )
        for case in cases:
            case.pk = by_number[case.number]

    team_links, container_links, events = [], [], []
    for case, item in zip(cases, items, strict=True):
        team_links += [
            CaseTeam(organization=org, case_id=case.pk, team_id=t.pk) for t in item.teams
        ]
        container_links += [
            CaseContainer(organization=org, case_id=case.pk, container_id=c.pk)
            for c in item.containers
        ]
        events.append(
            event_build(
                case=case,
                actor=actor,
                kind=Kind.CREATED,
                data={"source": item.source, **item.event_data},
            )
        )
    notices, requests = creation_notices(org, actor, cases, [item.notify for item in items])
    events += notices
    CaseTeam.objects.bulk_create(team_links)
    CaseContainer.objects.bulk_create(container_links)
    NotificationRequest.objects.bulk_create(requests)
    events_save(events)
    notify_assignees(org, actor, [c for c in cases if c.assignee_id])
    supplier_bells(org, actor, [c for c in cases if c.supplier_id])
    return cases


def case_create(*, org: Organization, actor: User | None, **fields: Any) -> Case:
    return case_create_many(org=org, actor=actor, items=[CaseData(**fields)])[0]


def notify_assignees(org: Organization, actor: User | None, cases: list[Case]) -> None:
    """One notice per newly assigned case, each in its recipient's language: the bell rows in a
    single insert, and e-mails (one outbox insert) for assignees who chose them."""
    notify_staff_many(
        org=org,
        actor=actor,
        notices=[
            StaffNotice(
                recipient=case.assignee,
                kind=Notification.Kind.ASSIGNED,
                text=partial(_assigned_text, case),
                url=case_url(case),
                email_values=case_message_values(case),
            )
            for case in cases
            if case.assignee_id
        ],
    )


def _assigned_text(case: Case) -> str:
    return _("Case #%(number)s was given to you: %(title)s") % {
        "number": case.number,
        "title": case.title,
    }


def case_message_values(case: Case) -> dict[str, Any]:
    """The placeholders every case message offers (see notifications/messages.py). The
    customer's name is read only if the template uses it (no query per case in bulk)."""
    return {
        "case_number": str(case.number),
        "case_title": case.title,
        "customer_name": lazy(lambda: case.customer.name if case.customer_id else "", str)(),
        "link": absolute_url(case_url(case)),
    }


def supplier_bells(org: Organization, actor: User | None, cases: list[Case]) -> None:
    """A case handed to a supplier: each of the supplier's users who may sign in gets a bell
    notice linking to their work list (e-mails are decided apart: `notify_supplier`, or the
    notice ticked when the case was opened). One user query, one insert."""
    work = reverse("cases:supplier_work", kwargs={"org_slug": org.slug})
    cases = [c for c in cases if c.supplier_id is not None]
    if not cases:
        return
    users = supplier_users_by_supplier(org, [c.supplier_id for c in cases])
    notices = []
    for case in cases:
        notices += [
            StaffNotice(
                recipient=user,
                kind=Notification.Kind.SUPPLIER,
                text=partial(_supplier_text, case),
                url=work,
            )
            for user in users.get(case.supplier_id, [])
        ]
    notify_staff_many(org=org, actor=actor, notices=notices)


def _supplier_text(case: Case) -> str:
    return _("Case #%(number)s was handed to %(supplier)s: %(title)s") % {
        "number": case.number,
        "supplier": case.supplier.name,
        "title": case.title,
    }


def notify_supplier(org: Organization, actor: User | None, case: Case) -> None:
    """A case handed to a supplier: its address and its users hear of it by e-mail, and its
    users in the bell."""
    supplier_bells(org, actor, [case])
    supplier_email(
        org=org,
        actor=actor,
        supplier=case.supplier,
        values={
            **case_message_values(case),
            "link": absolute_url(reverse("cases:supplier_work", kwargs={"org_slug": org.slug})),
        },
    )


# --- Changing fields ------------------------------------------------------------------------

# Plain fields a caseworker may edit, with the event kind each change writes.
FIELD_KINDS = {
    "status": Kind.STATUS,
    "priority": Kind.PRIORITY,
    "category": Kind.CATEGORY,
    "deadline": Kind.DEADLINE,
    "assignee": Kind.ASSIGNEE,
    "supplier": Kind.SUPPLIER,
    "customer": Kind.CUSTOMER,
    "property": Kind.PROPERTY,
    "title": Kind.FIELD,
    "description": Kind.FIELD,
    "external_reference": Kind.FIELD,
    "source": Kind.FIELD,
    "contact_method": Kind.FIELD,
    "visible_to_customer": Kind.FIELD,
    "resolution": Kind.FIELD,
}


def event_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return value


@transaction.atomic
def case_change(
    *,
    org: Organization,
    actor: User | None,
    case: Case,
    event_data: dict | None = None,
    **changes: Any,
) -> list[CaseEvent]:
    """Change any of FIELD_KINDS (plus `teams` and `containers`), one event per changed field.

    `event_data` is added to every event's data, e.g. {"api_key": prefix} for API changes.
    """
    check_same_org(org, case)
    unknown = set(changes) - set(FIELD_KINDS) - {"teams", "containers"}
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    if "status" in changes and changes["status"] not in Case.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if "priority" in changes and changes["priority"] not in Case.Priority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    if "title" in changes and not (changes["title"] or "").strip():
        raise ValidationError({"title": _("A case needs a title.")})
    if "deadline" in changes and changes["deadline"] != case.deadline:
        date_check(changes["deadline"], "deadline")  # a deadline already stored may stay
    for name in ("category", "supplier", "customer", "property"):
        check_same_org(org, changes.get(name))
    assignee = changes.get("assignee")
    if assignee is not None and not staff_user_ids(org, [assignee.pk]):
        raise ValidationError(
            {"assignee": _("Cases can only be given to staff of this organization.")}
        )

    events: list[CaseEvent] = []
    update_fields: list[str] = []
    now = timezone.now()
    sla_changed: dict[str, tuple] = {}
    for name, new in changes.items():
        if name in ("teams", "containers"):
            continue
        old = getattr(case, name)
        if old == new:
            continue
        setattr(case, name, new)
        update_fields.append(name)
        if name == "status" or name in POLICY_FIELDS:
            sla_changed[name] = (old, new)
        kind = FIELD_KINDS[name]
        old_shown, new_shown = event_value(old), event_value(new)
        events.append(
            event_build(case=case, actor=actor, kind=kind, field=name, old=old_shown, new=new_shown)
        )
        if name == "status":
            update_fields += status_side_effects(case, old, new, now)
    if sla_changed:  # pause, resume or choose the service-level policy again
        sla_fields, sla_events = sla_after_change(
            case, SlaContext(org), changed=sla_changed, actor=actor, now=now
        )
        update_fields += sla_fields
        events += sla_events
    if "teams" in changes:
        events += _change_set(org, actor, case, "teams", Kind.TEAMS, changes["teams"])
    if "containers" in changes:
        events += _change_set(
            org, actor, case, "containers", Kind.CONTAINERS, changes["containers"]
        )
    if update_fields:
        case.save(update_fields=sorted(set(update_fields)) + ["updated_at"])
    elif events:  # only teams or containers changed: still a change integrations must see
        case.save(update_fields=["updated_at"])
    if event_data:
        for event in events:
            event.data = {**event.data, **event_data}
    events_save(events)
    if "assignee" in update_fields and case.assignee_id:
        notify_assignees(org, actor, [case])
    if "supplier" in update_fields and case.supplier_id:
        notify_supplier(org, actor, case)
    return events


def status_side_effects(case: Case, old: str, new: str, now) -> list[str]:
    fields = []
    if new == Case.Status.RESOLVED:
        case.resolved_at = now
        fields.append("resolved_at")
    if new == Case.Status.CLOSED:
        case.closed_at = now
        fields.append("closed_at")
        if case.resolved_at is None:
            case.resolved_at = now
            fields.append("resolved_at")
    if new in Case.OPEN_STATUSES and old not in Case.OPEN_STATUSES:
        case.resolved_at = None
        case.closed_at = None
        fields += ["resolved_at", "closed_at"]
    elif old == Case.Status.CLOSED and new != Case.Status.CLOSED and case.closed_at is not None:
        case.closed_at = None  # closed -> resolved: no longer closed
        fields.append("closed_at")
    return fields


def _change_set(org, actor, case: Case, name: str, kind: str, new_items) -> list[CaseEvent]:
    new_items = list(new_items)
    check_same_org(org, *new_items)
    manager = getattr(case, name)
    old_items = list(manager.all())
    if {o.pk for o in old_items} == {n.pk for n in new_items}:
        return []
    manager.set(new_items, through_defaults={"organization": org})
    return [
        event_build(
            case=case,
            actor=actor,
            kind=kind,
            field=name,
            old=", ".join(sorted(str(o) for o in old_items)),
            new=", ".join(sorted(str(n) for n in new_items)),
            data={
                "old_ids": sorted(o.pk for o in old_items),
                "new_ids": sorted(n.pk for n in new_items),
            },
        )
    ]


@transaction.atomic
def case_close(
    *,
    org: Organization,
    actor: User,
    case: Case,
    resolution: str,
    notify_customer: bool = False,
    close_open_tasks: bool = False,
) -> list[CaseEvent]:
    """Close with a resolution; `notify_customer` also sends it to the customer (case_resolved,
    by e-mail, else SMS), or refuses to close when the customer cannot be reached. Open tasks
    refuse it (code "open_tasks") unless `close_open_tasks`: then they are closed with it."""
    if not resolution.strip():
        raise ValidationError(
            {"resolution": _("Describe how the case was solved before closing it.")}
        )
    check_same_org(org, case)
    if close_open_tasks:
        open_tasks_close(actor=actor, case=case)
    else:
        open_tasks_refuse(case)
    events = case_change(
        org=org, actor=actor, case=case, resolution=resolution.strip(), status=Case.Status.CLOSED
    )
    if notify_customer:
        events += resolution_notice(org=org, actor=actor, case=case)
    return events


def case_reopen(
    *, org: Organization, actor: User, case: Case, status: str = Case.Status.IN_PROGRESS
) -> list[CaseEvent]:
    """Open a resolved or closed case again; the resolution text stays as history."""
    if case.is_open:
        raise ValidationError(_("The case is already open."))
    if status not in Case.OPEN_STATUSES:
        raise ValidationError({"status": _("Choose an open status.")})
    return case_change(org=org, actor=actor, case=case, status=status)
