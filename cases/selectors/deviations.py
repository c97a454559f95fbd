"""Reads for the deviation register: the filtered list (also the CSV export's rows), the
deviation page with its files, tasks and history, a case's deviations, and what a supplier
user may open. Each costs a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.models import Case, Deviation, DeviationFile, Task
from organizations.compiled import Read, read_list
from organizations.models import Membership, Organization, User
from organizations.models_audit import AuditEvent
from organizations.scoping import for_org, get_for_org_or_404
from properties.models import Property

DEVIATION_TYPE = Deviation._meta.label_lower
TASK_TYPE = Task._meta.label_lower


@dataclass(frozen=True)
class DeviationFilters:
    """The list's filters, already checked against the organization (see the filter form)."""

    status: str = ""  # "", "open" (open or in treatment), or a Deviation.Status value
    type: str = ""
    severity: str = ""
    property: Property | None = None
    responsible: User | None = None
    unassigned: bool = False  # no responsible
    overdue: bool = False
    q: str = ""


def deviation_list(org: Organization, filters: DeviationFilters | None = None) -> QuerySet:
    """The organization's deviations matching `filters`, newest first."""
    f = filters or DeviationFilters()
    qs = for_org(Deviation, org).select_related("property", "responsible", "case")
    if f.status == "open":
        qs = qs.filter(status__in=Deviation.OPEN_STATUSES)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.type:
        qs = qs.filter(type=f.type)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.property is not None:
        qs = qs.filter(property=f.property)
    if f.unassigned:
        qs = qs.filter(responsible__isnull=True)
    elif f.responsible is not None:
        qs = qs.filter(responsible=f.responsible)
    if f.overdue:
        qs = qs.filter(status__in=Deviation.OPEN_STATUSES, due_date__lt=timezone.localdate())
    if f.q:
        text = Q(title__icontains=f.q) | Q(location__icontains=f.q)
        number = f.q.lstrip("#")
        if number.isascii() and number.isdigit() and len(number) <= 9:
            text |= Q(number=int(number))
        qs = qs.filter(text)
    return qs.order_by("-created_at", "-id")


def deviation_for_page(org: Organization, number: int) -> Deviation:
    """The deviation with what its page shows about it (property, people, case, inquiry),
    or 404."""
    queryset = for_org(Deviation, org).select_related(
        "property", "responsible", "case", "created_by", "inquiry"
    )
    deviation = get_for_org_or_404(queryset, org, number=number)
    Deviation.organization.field.set_cached_value(deviation, org)
    return deviation


def deviation_get(org: Organization, number: int) -> Deviation:
    """Just the row, for writes that re-read the page afterwards."""
    return get_for_org_or_404(Deviation, org, number=number)


def deviation_files(org: Organization, deviation: Deviation) -> list[DeviationFile]:
    return list(
        for_org(DeviationFile, org)
        .filter(deviation=deviation)
        .select_related("uploaded_by")
        .order_by("created_at", "id")
    )


def deviation_tasks(org: Organization, deviation: Deviation) -> list[Task]:
    return list(
        for_org(Task, org)
        .filter(deviation=deviation)
        .select_related("assignee", "supplier", "completed_by")
        .order_by("status", "due_date", "created_at", "id")
    )


def deviation_history(
    org: Organization, deviation: Deviation, tasks: list[Task] | None = None
) -> list[AuditEvent]:
    """The deviation's audit events and those of its tasks, oldest first."""
    if tasks is None:
        tasks = deviation_tasks(org, deviation)
    about = Q(object_type=DEVIATION_TYPE, object_id=deviation.pk)
    if tasks:
        about |= Q(object_type=TASK_TYPE, object_id__in=[t.pk for t in tasks])
    return list(
        AuditEvent.objects.filter(about, organization=org)
        .select_related("actor")
        .order_by("created_at", "id")
    )


def case_deviations(org: Organization, case: Case) -> list[Deviation]:
    """The deviations registered from `case`, for the case page."""
    return read_list(case_deviations_read(org, case))


def case_deviations_read(org: Organization, case: Case) -> Read:
    """The read `case_deviations` runs, for the case page's read_ahead."""
    return ("case_deviations", _case_deviations, (org.pk, case.pk))


def _case_deviations(org_id: int, case_id: int):
    return (
        Deviation.objects.filter(organization_id=org_id, case_id=case_id)
        .only("id", "organization_id", "number", "title", "status", "severity", "due_date")
        .order_by("number")
    )


def deviation_task_for_member_or_404(
    org: Organization, user: User, membership: Membership, *, number: int, task_id: int
) -> Task:
    """Task `task_id` of deviation `number`, if the member may see it: staff any, a supplier
    user only their supplier's; 404 otherwise."""
    tasks = for_org(Task, org).filter(deviation__organization=org, deviation__number=number)
    if not membership.is_staff_role:
        tasks = tasks.filter(supplier__organization=org, supplier__users=user)
    task = (
        tasks.select_related(
            "deviation", "deviation__property", "assignee", "supplier", "completed_by"
        )
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise Http404
    return task


def deviation_task_files(org: Organization, task: Task) -> list[DeviationFile]:
    return list(
        for_org(DeviationFile, org)
        .filter(task=task)
        .select_related("uploaded_by")
        .order_by("created_at", "id")
    )


def deviation_file_for_member_or_404(
    org: Organization, user: User, membership: Membership, *, number: int, file_id: int
) -> DeviationFile:
    """A file of deviation `number`: staff any, a supplier user only those on their
    supplier's tasks; 404 otherwise."""
    files = for_org(DeviationFile, org).filter(
        deviation__organization=org, deviation__number=number, pk=file_id
    )
    if not membership.is_staff_role:
        files = files.filter(
            task__organization=org, task__supplier__organization=org, task__supplier__users=user
        )
    row = files.first()
    if row is None:
        raise Http404
    return row


def deviations_in_batches(
    deviations: QuerySet[Deviation], size: int = 1000
) -> Iterator[list[Deviation]]:
    """All rows of `deviations` (ordered newest first, as `deviation_list`), a batch per query,
    each batch after the last row of the one before (keyset): an export of any size holds one
    batch in memory and no query scans past what it already read."""
    batch = list(deviations[:size])
    while batch:
        yield batch
        if len(batch) < size:
            return
        last = batch[-1]
        batch = list(
            deviations.filter(
                Q(created_at__lt=last.created_at) | Q(created_at=last.created_at, id__lt=last.pk)
            )[:size]
        )
