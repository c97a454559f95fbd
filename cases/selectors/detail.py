"""Reads for the case page. Every function costs a fixed number of queries, whatever the number
of events, notes, tasks or attachments on the case (the page test asserts it for 1 and 50)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from cases.models import Attachment, Case, CaseEvent, Note, Tag, Task, TimeEntry
from customers.models import ContactRole
from notifications.models import OutboundMessage, SavedReply
from organizations.models import Membership, Organization, User
from organizations.scoping import get_for_org_or_404
from organizations.selectors import staff_members
from properties.models import Agreement, Container, Property

STAFF_ROLE_VALUES = (Membership.Role.ADMIN, Membership.Role.CASEWORKER)
PARENT_DEPTH = 3  # estate > building > unit: the parents fetched with the case


# The case's own lookups come in two joins: under row-level security, planning one join of
# all nine tables cost PostgreSQL 4-20 ms (bench-200k, EXPLAIN's planning time), two joins of
# five about 1 ms together, so the second round trip pays for itself many times over.
HEADER_RELATED = ("category", "assignee", "supplier", "customer")
MORE_RELATED = ("created_by", "property", "service_level_policy")
MORE_REVERSE = "inquiry"  # the inquiry the case was made from (reverse one-to-one)


def case_for_page(org: Organization, number: int) -> Case:
    """The case with everything its header and info tabs show, or 404.

    The property's parents come in a further query: planning one twelve-table join cost
    PostgreSQL more (~5 ms) than running both. The organization is the one asked for.
    """
    queryset = Case.objects.select_related(*HEADER_RELATED).prefetch_related(
        "teams",
        "tags",
        Prefetch("containers", queryset=Container.objects.select_related("property")),
    )
    case = get_for_org_or_404(queryset, org, number=number)
    Case.organization.field.set_cached_value(case, org)
    more = get_for_org_or_404(
        Case.objects.select_related(*MORE_RELATED, MORE_REVERSE).only(
            "pk", *MORE_RELATED, MORE_REVERSE
        ),
        org,
        pk=case.pk,
    )
    for name in (*MORE_RELATED, MORE_REVERSE):
        # As select_related would: the object, or None, cached on the case.
        cache = Case._meta.get_field(name)
        cache.set_cached_value(case, cache.get_cached_value(more, default=None))
    prop = case.property
    if prop is not None and prop.parent_id:
        chain = "__".join(["parent"] * (PARENT_DEPTH - 1))
        parents = Property.objects.filter(organization=org, pk=prop.parent_id)
        # As select_related would: the parent (None if outside the organization), cached.
        Property.parent.field.set_cached_value(prop, parents.select_related(chain).first())
    return case


def case_get(org: Organization, number: int) -> Case:
    """Just the case row, for endpoints that re-read it through `case_for_page` afterwards."""
    return get_for_org_or_404(Case, org, number=number)


def mention_candidates(org: Organization, query: str = "", limit: int = 8) -> list[User]:
    """Staff members whose name or e-mail contains `query`: the people a note can mention.

    Supplier users are left out: they cannot open the case page, so a mention would lead them
    nowhere and put internal text in their bell.
    """
    users = staff_members(org)
    query = query.strip()
    if query:
        users = users.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    return list(users[:limit])


# --- Timeline -------------------------------------------------------------------------------

# The actor appears in the history by name only (str(user)); reading the users' other columns
# (password, dates to parse) for every event cost more than the rest of the query.
TIMELINE_FIELDS = (
    *(f.name for f in CaseEvent._meta.concrete_fields),
    "actor__id",
    "actor__full_name",
    "actor__email",
)


def case_timeline(
    org: Organization,
    case: Case,
    *,
    event_ids: Iterable[int] | None = None,
    attachments: list[Attachment] | None = None,
    tasks: list[Task] | None = None,
    time_entries: list[TimeEntry] | None = None,
) -> list[CaseEvent]:
    """The case's history, oldest first, ready to render without further queries.

    Each event gets its note, task, attachment and time entry, plus `note_attachments`,
    `task_attachments` and `mention_ids`. They come from one query each per case (not joins:
    planning a nine-table join cost PostgreSQL more than running these small queries; not
    prefetch_related, which skips its query when no event has a note and so would make the
    count depend on the history's content). The page passes the attachments, tasks and time
    entries its panels show anyway.
    """
    events = (
        CaseEvent.objects.filter(organization=org, case=case)
        .select_related("actor")
        .only(*TIMELINE_FIELDS)
    )
    if event_ids is not None:
        events = events.filter(pk__in=list(event_ids))
    events = list(events.order_by("created_at", "id"))
    if attachments is None:
        attachments = case_attachments(org, case)
    if tasks is None:
        tasks = case_tasks(org, case)
    if time_entries is None:
        time_entries = case_time(org, case).entries
    notes = {note.pk: note for note in Note.objects.filter(organization=org, case=case).order_by()}
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
    related = (
        (CaseEvent.note.field, "note_id", notes),
        (CaseEvent.task.field, "task_id", {task.pk: task for task in tasks}),
        (CaseEvent.attachment.field, "attachment_id", {a.pk: a for a in attachments}),
        (CaseEvent.time_entry.field, "time_entry_id", {e.pk: e for e in time_entries}),
    )
    outbound = outbound_for_events(org, case, event_ids)
    for event in events:
        event.outbound = (
            outbound.get(event.outbound_message_id) if event.outbound_message_id else None
        )
        # As select_related would: the object, or None, cached on the event (no query later).
        for fk, attname, found in related:
            fk.set_cached_value(event, found.get(getattr(event, attname)))
        event.note_attachments = by_note.get(event.note_id, []) if event.note_id else []
        event.task_attachments = by_task.get(event.task_id, []) if event.task_id else []
        event.mention_ids = mentions.get(event.note_id, set()) if event.note_id else set()
    return events


# What the history shows of an outbox row: its delivery, not its bodies (the event has those).
OUTBOUND_FIELDS = ("id", "channel", "to", "status", "last_error", "sent_at", "status_changed_at")


def outbound_for_events(
    org: Organization, case: Case, event_ids: Iterable[int] | None = None
) -> dict[int, OutboundMessage]:
    """The outbox rows the case's MESSAGE_OUT events name, by id: always exactly one query
    (a subquery picks the ids), however many messages the history holds."""
    named = CaseEvent.objects.filter(organization=org, case=case, outbound_message_id__isnull=False)
    if event_ids is not None:
        named = named.filter(pk__in=list(event_ids))
    rows = OutboundMessage.objects.filter(
        organization=org, pk__in=named.values("outbound_message_id")
    ).only(*OUTBOUND_FIELDS)
    return {row.pk: row for row in rows}


def message_event(org: Organization, case: Case, outbound_message_id: int) -> CaseEvent | None:
    """The MESSAGE_OUT event of `case` that sent outbox row `outbound_message_id`, if any."""
    return (
        CaseEvent.objects.filter(
            organization=org,
            case=case,
            kind=CaseEvent.Kind.MESSAGE_OUT,
            outbound_message_id=outbound_message_id,
        )
        .only("pk")
        .order_by("pk")
        .first()
    )


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


def saved_replies(org: Organization) -> list[SavedReply]:
    """The organization's canned responses for the reply composer."""
    return list(SavedReply.objects.filter(organization=org).order_by("title"))


def case_contact(org: Organization, case: Case) -> dict[str, str]:
    """Who a reply goes to by default: the case's customer, else the sender of the inquiry the
    case was made from (read through the reverse relation; cases does not import inquiries)."""
    customer = case.customer if case.customer_id else None
    contact = {
        "name": customer.name if customer else "",
        "email": customer.email if customer else "",
        "phone": customer.phone if customer else "",
    }
    if contact["email"] and contact["phone"]:
        return contact
    sender = (
        Case.objects.filter(organization=org, pk=case.pk)
        .values("inquiry__sender_name", "inquiry__sender_email", "inquiry__sender_phone")
        .first()
    ) or {}
    for key in ("name", "email", "phone"):
        if not contact[key] and not (customer and key == "name"):
            contact[key] = sender.get(f"inquiry__sender_{key}") or ""
    return contact


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
