"""What a resident may read: their own inquiries, the cases shown to them, and on those cases
only the messages between them and the organization. Each read takes the organization and the
resident's customer and costs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.http import Http404

from cases.models import Attachment, Case, CaseEvent
from customers.models import Customer
from inquiries.models import Inquiry
from notifications.models import OutboundMessage
from organizations.models import Organization

PAGE_SIZE = 20
# MESSAGE_OUT purposes that went to the customer (replies and the automatic notices to them);
# forwards to external contacts and handovers to suppliers are not the resident's to read.
CUSTOMER_PURPOSES = {
    OutboundMessage.Kind.REPLY,
    OutboundMessage.Kind.CASE_CREATED,
    OutboundMessage.Kind.CASE_RESOLVED,
    OutboundMessage.Kind.CONFIRMATION,
}
PORTAL_CHANNEL = "portal"


@dataclass
class RequestRow:
    """One line of "My requests": a case shown to the resident, or an inquiry of theirs."""

    kind: str  # "case" or "inquiry"
    title: str
    created_at: datetime
    status: str
    status_label: str
    deadline: date | None = None
    number: int | None = None


@dataclass
class RequestPage:
    rows: list[RequestRow]
    number: int
    has_previous: bool
    has_next: bool
    total: int


def notify_preference(customer: Customer) -> str:
    """The resident's chosen channel ("email" or "sms"), "" without an active account."""
    from portal.models import ResidentAccount

    return (
        ResidentAccount.objects.filter(
            organization_id=customer.organization_id, customer=customer, is_active=True
        )
        .values_list("notify_by", flat=True)
        .first()
        or ""
    )


def visible_cases(org: Organization, customer: Customer):
    return Case.objects.filter(organization=org, customer=customer, visible_to_customer=True)


def _own_inquiries(org: Organization, customer: Customer):
    """The resident's inquiries not deleted, except those that became a case shown to them
    (the case stands for it)."""
    return (
        Inquiry.objects.filter(organization=org, customer=customer)
        .exclude(status=Inquiry.Status.DELETED)
        .exclude(case__visible_to_customer=True, case__customer=customer)
    )


def _inquiry_status(inquiry: Inquiry) -> tuple[str, str]:
    from django.utils.translation import gettext as _

    if inquiry.status in (Inquiry.Status.CONVERTED, Inquiry.Status.DEVIATION):
        return "in_progress", _("Being handled")
    return "received", _("Received")


def requests_for_resident(org: Organization, customer: Customer, page: int = 1) -> RequestPage:
    """Inquiries and visible cases together, newest first, PAGE_SIZE a page: four queries
    (two counts, and the newest page*PAGE_SIZE of each kind, merged here)."""
    cases = visible_cases(org, customer)
    inquiries = _own_inquiries(org, customer)
    total = cases.count() + inquiries.count()
    last_page = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), last_page)
    upto = page * PAGE_SIZE
    rows = [
        RequestRow(
            kind="case",
            title=case.title,
            created_at=case.created_at,
            status=case.status,
            status_label=case.get_status_display(),
            deadline=case.deadline,
            number=case.number,
        )
        for case in cases.only("number", "title", "created_at", "status", "deadline").order_by(
            "-created_at", "-pk"
        )[:upto]
    ]
    for inquiry in inquiries.only("subject", "message", "created_at", "status").order_by(
        "-created_at", "-pk"
    )[:upto]:
        status, label = _inquiry_status(inquiry)
        title = inquiry.subject or (
            inquiry.message[:80] + ("…" if len(inquiry.message) > 80 else "")
        )
        rows.append(
            RequestRow(
                kind="inquiry",
                title=title,
                created_at=inquiry.created_at,
                status=status,
                status_label=label,
            )
        )
    rows.sort(key=lambda row: row.created_at, reverse=True)
    return RequestPage(
        rows=rows[upto - PAGE_SIZE : upto],
        number=page,
        has_previous=page > 1,
        has_next=page < last_page,
        total=total,
    )


def case_for_resident(org: Organization, customer: Customer, number: int) -> Case:
    """The case with this number if it is the resident's and shown to them; else 404 (the same
    answer as for a number that does not exist)."""
    case = visible_cases(org, customer).filter(number=number).first()
    if case is None:
        raise Http404
    return case


@dataclass
class ConversationItem:
    created_at: datetime
    from_resident: bool
    text: str
    subject: str = ""
    channel: str = ""
    files: list[Attachment] = field(default_factory=list)
    file_names: list[str] = field(default_factory=list)


def _is_customer_message(event: CaseEvent, customer: Customer) -> bool:
    data: dict[str, Any] = event.data or {}
    if data.get("channel") == PORTAL_CHANNEL:
        return True
    sender = str(data.get("from") or "").strip().lower()
    return bool(customer.email) and sender == customer.email.strip().lower()


def conversation(org: Organization, customer: Customer, case: Case) -> list[ConversationItem]:
    """The messages between the organization and the resident on `case`, oldest first: what was
    sent to the customer and what the customer sent (by e-mail from their address, or here).
    Never notes, tasks, time, supplier messages or forwards. Two queries."""
    events = list(
        CaseEvent.objects.filter(
            organization=org,
            case=case,
            kind__in=(CaseEvent.Kind.MESSAGE_OUT, CaseEvent.Kind.MESSAGE_IN),
        )
        .only("kind", "data", "created_at")
        .order_by("created_at", "pk")
    )
    items: list[tuple[ConversationItem, list[int]]] = []
    seen_out: set[tuple[str, str]] = set()
    for event in events:
        data = event.data or {}
        if event.kind == CaseEvent.Kind.MESSAGE_OUT:
            if data.get("purpose") not in CUSTOMER_PURPOSES:
                continue
            # A reply sent by e-mail and SMS at once is one message to the resident.
            key = (str(data.get("text") or ""), event.created_at.isoformat(timespec="seconds"))
            if key in seen_out:
                continue
            seen_out.add(key)
            item = ConversationItem(
                created_at=event.created_at,
                from_resident=False,
                text=str(data.get("text") or ""),
                subject=str(data.get("subject") or "") if data.get("channel") == "email" else "",
                channel=str(data.get("channel") or ""),
                file_names=[str(name) for name in data.get("attachments") or []],
            )
            items.append((item, []))
        elif _is_customer_message(event, customer):
            ids = [i for i in data.get("attachment_ids") or [] if isinstance(i, int)]
            item = ConversationItem(
                created_at=event.created_at,
                from_resident=True,
                text=str(data.get("text") or ""),
                subject=str(data.get("subject") or ""),
                channel=str(data.get("channel") or ""),
            )
            items.append((item, ids))
    wanted = {i for _item, ids in items for i in ids}
    files = (
        {
            a.pk: a
            for a in Attachment.objects.filter(organization=org, case=case, pk__in=wanted).only(
                "pk", "original_name", "content_type", "size"
            )
        }
        if wanted
        else {}
    )
    for item, ids in items:
        item.files = [files[i] for i in ids if i in files]
    return [item for item, _ids in items]


def resident_attachment_or_404(
    org: Organization, customer: Customer, case: Case, attachment_id: int
) -> Attachment:
    """A file the resident may open: one that came with a message of theirs on this case."""
    allowed = set()
    for event in CaseEvent.objects.filter(
        Q(organization=org, case=case, kind=CaseEvent.Kind.MESSAGE_IN)
    ).only("data"):
        if _is_customer_message(event, customer):
            allowed.update(event.data.get("attachment_ids") or [])
    if attachment_id not in allowed:
        raise Http404
    attachment = Attachment.objects.filter(organization=org, case=case, pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment
