"""Reads of the audit trail: one object's events (its Events tab) and the organization's, with
filters (the events page and its CSV). Pages go by keyset on (created_at, id), newest first,
so a deep page costs what the first does."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from organizations.models import Organization, User
from organizations.models_audit import AuditEvent

PAGE_SIZE = 50


@dataclass(frozen=True)
class EventFilter:
    module: str = ""
    actor_id: int | None = None
    date_from: datetime.date | None = None  # in the current time zone, inclusive
    date_to: datetime.date | None = None  # inclusive


@dataclass
class EventPage:
    events: list[AuditEvent]
    next_cursor: str = ""  # "" on the last page
    extra: dict = field(default_factory=dict)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def org_events(org: Organization, filters: EventFilter = EventFilter()) -> QuerySet[AuditEvent]:
    """The organization's events matching `filters`, newest first."""
    events = AuditEvent.objects.filter(organization=org)
    if filters.module:
        events = events.filter(module=filters.module)
    if filters.actor_id is not None:
        events = events.filter(actor_id=filters.actor_id)
    if filters.date_from is not None:
        events = events.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to is not None:
        next_day = filters.date_to + datetime.timedelta(days=1)
        events = events.filter(created_at__lt=_day_start(next_day))
    return events.order_by("-created_at", "-id")


def object_events(
    org: Organization, objects: Iterable[tuple[str, Iterable[int]]]
) -> QuerySet[AuditEvent]:
    """The events of the given objects, as (object type "app_label.model", ids) pairs,
    newest first: an object page's Events tab (a property's shows its containers and
    agreements too)."""
    condition = Q(pk__in=[])
    for object_type, ids in objects:
        condition |= Q(object_type=object_type, object_id__in=ids)
    return AuditEvent.objects.filter(condition, organization=org).order_by("-created_at", "-id")


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)


def encode_cursor(event: AuditEvent) -> str:
    """ "<microseconds since 1970>_<id>" of the last event shown (exact: no float)."""
    return f"{(event.created_at - EPOCH) // MICROSECOND}_{event.pk}"


def decode_cursor(value: str) -> tuple[datetime.datetime, int] | None:
    """(created_at, id) from a cursor, or None for anything else (the first page)."""
    stamp, _sep, pk = (value or "").partition("_")
    if not (stamp.isascii() and stamp.isdigit() and pk.isascii() and pk.isdigit()):
        return None
    if len(stamp) > 18 or len(pk) > 18:
        return None
    try:
        moment = EPOCH + int(stamp) * MICROSECOND
    except OverflowError:
        return None
    return moment, int(pk)


def events_page(events: QuerySet[AuditEvent], cursor: str = "", size: int = PAGE_SIZE) -> EventPage:
    """One page of `events` (ordered newest first) after `cursor`: one query."""
    position = decode_cursor(cursor)
    if position is not None:
        moment, pk = position
        events = events.filter(Q(created_at__lt=moment) | Q(created_at=moment, id__lt=pk))
    rows = list(events[: size + 1])
    if len(rows) > size:
        return EventPage(rows[:size], encode_cursor(rows[size - 1]))
    return EventPage(rows)


def event_actors(org: Organization) -> QuerySet[User]:
    """Everyone who has been a member of `org` (active or not), for the user filter."""
    return User.objects.filter(memberships__organization=org).order_by("full_name", "email")
