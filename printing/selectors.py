"""Reads for printing: what a case printout shows, the containers a label run prints, jobs.

Each costs a fixed number of queries, whatever the size of the case or the number of labels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from cases.models import Case, CaseEvent, Note, Task
from cases.selectors.detail import case_for_page
from cases.selectors.panels import case_tasks, property_agreements
from organizations.models import Organization
from organizations.scoping import for_org
from printing.formats import DEFAULT_FORMAT, LabelFormat, label_format
from printing.models import PrintJob, PrintSettings
from properties.models import Agreement, Container
from properties.selectors import container_search

# What the customer sent and what we sent to the customer; forwards (to suppliers or other
# outside contacts) and supplier handovers are not part of the conversation with the customer.
NOT_TO_CUSTOMER = {"forward", "supplier_handover"}


@dataclass
class CasePrintout:
    case: Case
    containers: list[Container]
    agreements: list[Agreement]
    tasks: list[Task]
    conversation: list[CaseEvent]
    notes: list[Note] = field(default_factory=list)
    include_notes: bool = False


def case_conversation(org: Organization, case: Case) -> list[CaseEvent]:
    """Messages between the organization and the customer, oldest first (one query)."""
    events = CaseEvent.objects.filter(
        organization=org,
        case=case,
        kind__in=[CaseEvent.Kind.MESSAGE_OUT, CaseEvent.Kind.MESSAGE_IN],
    ).order_by("created_at", "id")
    return [
        event
        for event in events
        if event.kind == CaseEvent.Kind.MESSAGE_IN
        or (
            event.data.get("purpose") not in NOT_TO_CUSTOMER
            and event.data.get("audience", "customer") == "customer"
        )
    ]


def case_printout(org: Organization, number: int, *, include_notes: bool = False) -> CasePrintout:
    """Everything the case PDF shows, or 404 for a case outside `org`."""
    case = case_for_page(org, number)
    notes: list[Note] = []
    if include_notes:
        notes = list(
            Note.objects.filter(organization=org, case=case)
            .select_related("author")
            .order_by("created_at", "id")
        )
    return CasePrintout(
        case=case,
        containers=list(case.containers.all()),
        agreements=property_agreements(org, case.property),
        tasks=case_tasks(org, case),
        conversation=case_conversation(org, case),
        notes=notes,
        include_notes=include_notes,
    )


def case_size(org: Organization, case: Case) -> int:
    """How much a printout of the case holds (history entries): big ones go to the worker."""
    return CaseEvent.objects.filter(organization=org, case=case).count()


def org_label_format(org: Organization) -> LabelFormat:
    row = PrintSettings.objects.filter(organization=org).only("label_format").first()
    return label_format(row.label_format if row else DEFAULT_FORMAT)


def containers_for_labels(org: Organization, ids: Iterable[int]) -> QuerySet[Container]:
    """The containers of `org` among `ids` (others' ids are simply not found), in ID order."""
    return (
        for_org(Container, org)
        .filter(pk__in=list(ids))
        .select_related("property")
        .order_by("container_id", "id")
    )


def container_ids_matching(org: Organization, q: str) -> list[int]:
    """Ids of the containers the container list shows for search `q` (all of them for "")."""
    return list(container_search(org, q).values_list("pk", flat=True))


def case_container_ids(org: Organization, case: Case) -> list[int]:
    return list(
        for_org(Container, org)
        .filter(cases=case)
        .order_by("container_id")
        .values_list("pk", flat=True)
    )


def jobs_recent(org: Organization, user, limit: int = 20) -> list[PrintJob]:
    return list(
        for_org(PrintJob, org).filter(requested_by=user).order_by("-created_at", "-id")[:limit]
    )
