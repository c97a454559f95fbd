"""The case page's panels: files, tasks, time, and the property's contacts and agreements. Each
read is compiled once per process and named by a `*_read` function, which its selector runs and
the case page's read-ahead (cases/selectors/detail.py `case_page_reads`) sends with the rest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from cases.models import Attachment, Case, Tag, Task, TimeEntry
from cases.selectors.lists import tag_list
from customers.models import ContactRole
from organizations.compiled import Read, read_list
from organizations.models import Organization
from properties.models import Agreement, Property


def case_attachments(org: Organization, case: Case) -> list[Attachment]:
    return read_list(attachments_read(org, case))


def attachments_read(org: Organization, case: Case) -> Read:
    return ("case_attachments", _attachments, (org.pk, case.pk))


def _attachments(org_id: int, case_id: int):
    return (
        Attachment.objects.filter(organization_id=org_id, case_id=case_id)
        .select_related("uploaded_by")
        .order_by("created_at", "id")
    )


def case_tasks(org: Organization, case: Case) -> list[Task]:
    return read_list(tasks_read(org, case))


def tasks_read(org: Organization, case: Case) -> Read:
    return ("case_tasks", _tasks, (org.pk, case.pk))


def _tasks(org_id: int, case_id: int):
    return (
        Task.objects.filter(organization_id=org_id, case_id=case_id)
        .select_related("assignee", "supplier", "completed_by")
        .order_by("status", "due_date", "created_at", "id")
    )


@dataclass
class TimeSummary:
    entries: list[TimeEntry] = field(default_factory=list)
    total_minutes: int = 0


def case_time(org: Organization, case: Case) -> TimeSummary:
    entries = read_list(time_read(org, case))
    return TimeSummary(entries=entries, total_minutes=sum(e.minutes for e in entries))


def time_read(org: Organization, case: Case) -> Read:
    return ("case_time", _time_entries, (org.pk, case.pk))


def _time_entries(org_id: int, case_id: int):
    return (
        TimeEntry.objects.filter(organization_id=org_id, case_id=case_id)
        .select_related("user")
        .order_by("-date", "-created_at")
    )


def org_tags(org: Organization) -> list[Tag]:
    return tag_list(org)


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
    return read_list(contacts_read(org, prop.pk))


def contacts_read(org: Organization, property_id: int) -> Read:
    return ("property_contacts", _contacts, (org.pk, property_id, timezone.localdate()))


def _contacts(org_id: int, property_id: int, today: dt.date):
    return (
        ContactRole.objects.filter(organization_id=org_id, property_id=property_id)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("customer")
        .order_by("role", "customer__name")
    )


def property_agreements(org: Organization, prop: Property | None) -> list[Agreement]:
    if prop is None:
        return []
    return read_list(agreements_read(org, prop.pk))


def agreements_read(org: Organization, property_id: int) -> Read:
    return ("property_agreements", _agreements, (org.pk, property_id))


def _agreements(org_id: int, property_id: int):
    return (
        Agreement.objects.filter(organization_id=org_id, property_id=property_id)
        .select_related("customer")
        .order_by("-period_start")
    )
