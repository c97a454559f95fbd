"""Reads for the case page. Every function costs a fixed number of queries, whatever the number
of events, notes, tasks or attachments on the case (the page test asserts it for 1 and 50)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.http import Http404

from cases.models import (
    Attachment,
    Case,
    CaseContainer,
    CaseEvent,
    CaseTag,
    CaseTeam,
    Note,
    Tag,
    Task,
    TimeEntry,
)
from cases.selectors.deviations import case_deviations_read
from cases.selectors.panels import (
    agreements_read,
    attachments_read,
    case_attachments,
    case_tasks,
    case_time,
    contacts_read,
    tasks_read,
    time_read,
)
from inquiries.context_processors import tray_read
from notifications.models import OutboundMessage, SavedReply
from organizations.compiled import (
    Read,
    compiled_list,
    compiled_lists,
    read_list,
    set_prefetched,
)
from organizations.models import Membership, Organization, Team, User
from organizations.scoping import get_for_org_or_404
from organizations.selectors import staff_members
from properties.models import Container, Property

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
    PostgreSQL more (~5 ms) than running both. The organization is the one asked for. Each
    read's SQL is compiled once per process (organizations/compiled.py).
    """
    found = compiled_list("case_for_page", _case_header, org.pk, number)
    if not found:
        raise Http404
    case = found[0]
    Case.organization.field.set_cached_value(case, org)
    # The case's teams, tags, containers and further lookups: four reads in one round trip.
    related = (("teams", _teams), ("tags", _case_tags), ("containers", _containers))
    *lists, more = compiled_lists(
        [(f"case_for_page.{name}", build, (org.pk, case.pk)) for name, build in related]
        + [("case_for_page.more", _case_more, (org.pk, case.pk))]
    )
    for (name, _build), rows in zip(related, lists, strict=True):
        set_prefetched(case, name, rows)
    more = more[0]
    for name in (*MORE_RELATED, MORE_REVERSE):
        # As select_related would: the object, or None, cached on the case.
        cache = Case._meta.get_field(name)
        cache.set_cached_value(case, cache.get_cached_value(more, default=None))
    prop = case.property
    if prop is not None and prop.parent_id:
        parents = compiled_list("case_for_page.parents", _parents, org.pk, prop.parent_id)
        # As select_related would: the parent (None if outside the organization), cached.
        Property.parent.field.set_cached_value(prop, parents[0] if parents else None)
    return case


def case_page_reads(org: Organization, case: Case) -> list[Read]:
    """What the whole case page reads once the case is loaded (its panels, history, tasks,
    time, files, deviations, and the property's contacts and agreements), as compiled reads
    for `read_ahead`: the page sends them to PostgreSQL together. Keys, builders and arguments
    come from the `_*_read` functions the selectors below run, so each selector is answered
    from them."""
    reads = [
        read(org, case)
        for read in (
            attachments_read,
            tasks_read,
            time_read,
            case_deviations_read,
            _events_read,
            _notes_read,
            _mentions_read,
            _outbound_read,
        )
    ]
    if case.property_id is not None:
        reads += [contacts_read(org, case.property_id), agreements_read(org, case.property_id)]
    # And the top bar's inquiry tray (the page is for staff, who see it).
    reads.append(tray_read(org.pk))
    return reads


def _case_header(org_id: int, number: int):
    return (
        Case.objects.filter(organization_id=org_id, number=number)
        .select_related(*HEADER_RELATED)
        .order_by()
    )


# The case's teams, tags and containers, each as its prefetch would read them (the models'
# own ordering) but with SQL of one shape.
def _teams(org_id: int, case_id: int):
    links = CaseTeam.objects.filter(organization_id=org_id, case_id=case_id).values("team_id")
    return Team.objects.filter(organization_id=org_id, pk__in=links)


def _case_tags(org_id: int, case_id: int):
    links = CaseTag.objects.filter(organization_id=org_id, case_id=case_id).values("tag_id")
    return Tag.objects.filter(organization_id=org_id, pk__in=links)


def _containers(org_id: int, case_id: int):
    links = CaseContainer.objects.filter(organization_id=org_id, case_id=case_id)
    return Container.objects.filter(
        organization_id=org_id, pk__in=links.values("container_id")
    ).select_related("property")


def _case_more(org_id: int, case_id: int):
    return (
        Case.objects.filter(organization_id=org_id, pk=case_id)
        .select_related(*MORE_RELATED, MORE_REVERSE)
        .only("pk", *MORE_RELATED, MORE_REVERSE)
        .order_by()
    )


def _parents(org_id: int, parent_id: int):
    chain = "__".join(["parent"] * (PARENT_DEPTH - 1))
    return Property.objects.filter(organization_id=org_id, pk=parent_id).select_related(chain)


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
    if event_ids is None:
        events = read_list(_events_read(org, case))
    else:
        events = list(_events(org.pk, case.pk).filter(pk__in=list(event_ids)))
    if attachments is None:
        attachments = case_attachments(org, case)
    if tasks is None:
        tasks = case_tasks(org, case)
    if time_entries is None:
        time_entries = case_time(org, case).entries
    notes = {note.pk: note for note in read_list(_notes_read(org, case))}
    by_note: dict[int, list[Attachment]] = defaultdict(list)
    by_task: dict[int, list[Attachment]] = defaultdict(list)
    for attachment in attachments:
        if attachment.note_id:
            by_note[attachment.note_id].append(attachment)
        elif attachment.task_id:
            by_task[attachment.task_id].append(attachment)
    mentions: dict[int, set[int]] = defaultdict(set)
    for note_id, user_id in read_list(_mentions_read(org, case)):
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


def _events(org_id: int, case_id: int):
    return (
        CaseEvent.objects.filter(organization_id=org_id, case_id=case_id)
        .select_related("actor")
        .only(*TIMELINE_FIELDS)
        .order_by("created_at", "id")
    )


def _notes(org_id: int, case_id: int):
    return Note.objects.filter(organization_id=org_id, case_id=case_id).order_by()


def _mentions(org_id: int, case_id: int):
    return Note.mentions.through.objects.filter(
        note__organization_id=org_id, note__case_id=case_id
    ).values_list("note_id", "user_id")


def _events_read(org: Organization, case: Case) -> Read:
    return ("case_timeline", _events, (org.pk, case.pk))


def _notes_read(org: Organization, case: Case) -> Read:
    return ("case_timeline.notes", _notes, (org.pk, case.pk))


def _mentions_read(org: Organization, case: Case) -> Read:
    return ("case_timeline.mentions", _mentions, (org.pk, case.pk))


def _outbound_read(org: Organization, case: Case) -> Read:
    return ("outbound_for_events", _outbound, (org.pk, case.pk))


# What the history shows of an outbox row: its delivery, not its bodies (the event has those).
OUTBOUND_FIELDS = ("id", "channel", "to", "status", "last_error", "sent_at", "status_changed_at")


def outbound_for_events(
    org: Organization, case: Case, event_ids: Iterable[int] | None = None
) -> dict[int, OutboundMessage]:
    """The outbox rows the case's MESSAGE_OUT events name, by id: always exactly one query
    (a subquery picks the ids), however many messages the history holds."""
    if event_ids is None:
        rows = read_list(_outbound_read(org, case))
    else:
        named = CaseEvent.objects.filter(
            organization=org, case=case, outbound_message_id__isnull=False, pk__in=list(event_ids)
        )
        rows = OutboundMessage.objects.filter(
            organization=org, pk__in=named.values("outbound_message_id")
        ).only(*OUTBOUND_FIELDS)
    return {row.pk: row for row in rows}


def _outbound(org_id: int, case_id: int):
    named = CaseEvent.objects.filter(
        organization_id=org_id, case_id=case_id, outbound_message_id__isnull=False
    )
    return OutboundMessage.objects.filter(
        organization_id=org_id, pk__in=named.values("outbound_message_id")
    ).only(*OUTBOUND_FIELDS)


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
