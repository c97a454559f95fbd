"""Reads for the case page. Every function costs a fixed number of queries, whatever the number
of events, notes, tasks or attachments on the case (the page test asserts it for 1 and 50)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import Attachment, Case, CaseEvent, Note, Tag, Task, TimeEntry
from customers.models import ContactRole
from organizations.models import Membership, Organization, User
from organizations.scoping import get_for_org_or_404
from properties.models import Agreement, Container, Property

STAFF_ROLE_VALUES = (Membership.Role.ADMIN, Membership.Role.CASEWORKER)
PARENT_DEPTH = 3  # estate > building > unit: the parents fetched with the case


def case_for_page(org: Organization, number: int) -> Case:
    """The case with everything its header and info tabs show, or 404."""
    chain = "property" + "__parent" * PARENT_DEPTH
    queryset = Case.objects.select_related(
        "organization", "category", "assignee", "supplier", "customer", "created_by", chain
    ).prefetch_related(
        "teams",
        "tags",
        Prefetch("containers", queryset=Container.objects.select_related("property")),
    )
    return get_for_org_or_404(queryset, org, number=number)


def case_get(org: Organization, number: int) -> Case:
    """Just the case row, for endpoints that re-read it through `case_for_page` afterwards."""
    return get_for_org_or_404(Case, org, number=number)


def staff_users(org: Organization) -> QuerySet[User]:
    """Active admins and caseworkers of `org`, in one join (role and org on the same membership)."""
    return User.objects.filter(
        is_active=True,
        memberships__organization=org,
        memberships__is_active=True,
        memberships__role__in=STAFF_ROLE_VALUES,
    ).order_by("full_name", "email")


def mention_candidates(org: Organization, query: str = "", limit: int = 8) -> list[User]:
    """Staff members whose name or e-mail contains `query`: the people a note can mention.

    Supplier users are left out: they cannot open the case page, so a mention would lead them
    nowhere and put internal text in their bell.
    """
    users = staff_users(org)
    query = query.strip()
    if query:
        users = users.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    return list(users[:limit])


# --- Timeline -------------------------------------------------------------------------------


def case_timeline(
    org: Organization,
    case: Case,
    *,
    event_ids: Iterable[int] | None = None,
    attachments: list[Attachment] | None = None,
) -> list[CaseEvent]:
    """The case's history, oldest first, ready to render without further queries.

    Each event gets `note_attachments`, `task_attachments` and `mention_ids`. Attachments and
    mentions come from one query each (not prefetch_related, which skips its query when no
    event has a note and so would make the count depend on the history's content).
    """
    events = CaseEvent.objects.filter(organization=org, case=case).select_related(
        "actor",
        "note",
        "task",
        "task__assignee",
        "task__supplier",
        "attachment",
        "time_entry",
        "time_entry__user",
    )
    if event_ids is not None:
        events = events.filter(pk__in=list(event_ids))
    events = list(events.order_by("created_at", "id"))
    if attachments is None:
        attachments = case_attachments(org, case)
    by_note: dict[int, list[Attachment]] = defaultdict(list)
    by_task: dict[int, list[Attachment]] = defaultdict(list)
    for attachment in attachments:
        if attachment.note_id:
            by_note[attachment.note_id].append(attachment)
        elif attachment.task_id:
            by_task[attachment.task_id].append(attachment)
    mentions: dict[int, set[int]] = defaultdict(set)
    for note_id, user_id in Note.mentions.through.objects.filter(
        note__organization=org, note__case=case
    ).values_list("note_id", "user_id"):
        mentions[note_id].add(user_id)
    for event in events:
        event.note_attachments = by_note.get(event.note_id, []) if event.note_id else []
        event.task_attachments = by_task.get(event.task_id, []) if event.task_id else []
        event.mention_ids = mentions.get(event.note_id, set()) if event.note_id else set()
    return events


def latest_event_about(org: Organization, case: Case, **refs) -> list[CaseEvent]:
    """The newest event of `case` matching `refs` (note=..., task=..., kind=...), as a list of
    zero or one: what an htmx answer appends to the timeline after a write."""
    return list(
        CaseEvent.objects.filter(organization=org, case=case, **refs).only("pk").order_by("-id")[:1]
    )


def attachment_events(
    org: Organization, case: Case, attachments: Iterable[Attachment]
) -> list[CaseEvent]:
    return list(
        CaseEvent.objects.filter(
            organization=org, case=case, attachment__in=[a.pk for a in attachments]
        ).only("pk")
    )


def case_attachments(org: Organization, case: Case) -> list[Attachment]:
    return list(
        Attachment.objects.filter(organization=org, case=case)
        .select_related("uploaded_by")
        .order_by("created_at", "id")
    )


# --- Panels ---------------------------------------------------------------------------------


def case_tasks(org: Organization, case: Case) -> list[Task]:
    return list(
        Task.objects.filter(organization=org, case=case)
        .select_related("assignee", "supplier", "completed_by")
        .order_by("status", "due_date", "created_at", "id")
    )


def case_task_get(org: Organization, case: Case, task_id: int) -> Task:
    return get_for_org_or_404(
        Task.objects.select_related("case", "assignee", "supplier"), org, case=case, pk=task_id
    )


@dataclass
class TimeSummary:
    entries: list[TimeEntry] = field(default_factory=list)
    total_minutes: int = 0


def case_time(org: Organization, case: Case) -> TimeSummary:
    entries = list(
        TimeEntry.objects.filter(organization=org, case=case)
        .select_related("user")
        .order_by("-date", "-created_at")
    )
    return TimeSummary(entries=entries, total_minutes=sum(e.minutes for e in entries))


def org_tags(org: Organization) -> list[Tag]:
    return list(Tag.objects.filter(organization=org).order_by("name"))


def property_chain(prop: Property | None) -> tuple[list[Property], bool]:
    """The parents of `prop` fetched with the case (nearest first), and whether more exist."""
    chain: list[Property] = []
    current = prop
    while current is not None and current.parent_id:
        if not Property.parent.is_cached(current):
            return chain, True
        current = current.parent
        chain.append(current)
    return chain, False


def property_contacts(org: Organization, prop: Property | None) -> list[ContactRole]:
    """The current contact roles at the property (owner, co-owner, resident, company)."""
    if prop is None:
        return []
    today = timezone.localdate()
    return list(
        ContactRole.objects.filter(organization=org, property=prop)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("customer")
        .order_by("role", "customer__name")
    )


def property_agreements(org: Organization, prop: Property | None) -> list[Agreement]:
    if prop is None:
        return []
    return list(
        Agreement.objects.filter(organization=org, property=prop)
        .select_related("customer")
        .order_by("-period_start")
    )
