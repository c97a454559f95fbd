"""Reads for the inquiry pages; each list costs a fixed number of queries."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from cases.models import NotificationRequest
from inquiries.models import Inquiry, InquiryAttachment
from organizations.models import Organization


def inquiry_list(
    org: Organization,
    *,
    status: str = Inquiry.Status.NEW,
    channel: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Inquiry]:
    """The tray (status "new") or the converted/deleted lists, newest first, filtered."""
    qs = (
        Inquiry.objects.filter(organization=org, status=status)
        .select_related("property", "case", "deviation", "handled_by")
        .annotate(attachment_count=Count("attachments"))
        .order_by("-created_at", "-id")
    )
    if channel:
        qs = qs.filter(channel=channel)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs


def inquiry_for_preview(org: Organization) -> QuerySet[Inquiry]:
    """One inquiry with everything the preview shows: attachments, property, the case made
    from it and the messages still waiting to be sent about that case."""
    return (
        Inquiry.objects.filter(organization=org)
        .select_related(
            "property", "property__parent", "case", "deviation", "handled_by", "registered_by"
        )
        .prefetch_related(
            Prefetch("attachments", queryset=InquiryAttachment.objects.order_by("pk")),
            Prefetch(
                "case__notification_requests",
                queryset=NotificationRequest.objects.order_by("pk"),
            ),
        )
    )


def pending_notifications(inquiry: Inquiry) -> list[NotificationRequest]:
    if inquiry.case is None:
        return []
    return [
        r
        for r in inquiry.case.notification_requests.all()
        if r.status == NotificationRequest.Status.PENDING
    ]


def next_new_inquiry(
    org: Organization,
    after: Inquiry,
    *,
    channel: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> Inquiry | None:
    """The tray's next inquiry once `after` is handled: the one below it in the tray's order
    (newest first, with the same filters), else the newest left; None when the tray is empty.
    With everything the preview shows; two queries at most, plus the preview's prefetches."""
    tray = Inquiry.objects.filter(organization=org, status=Inquiry.Status.NEW).exclude(pk=after.pk)
    if channel:
        tray = tray.filter(channel=channel)
    if date_from:
        tray = tray.filter(created_at__date__gte=date_from)
    if date_to:
        tray = tray.filter(created_at__date__lte=date_to)
    tray = tray.order_by("-created_at", "-id")
    below = tray.filter(
        Q(created_at__lt=after.created_at) | Q(created_at=after.created_at, pk__lt=after.pk)
    )
    for candidates in (below, tray):
        pk = candidates.values_list("pk", flat=True).first()
        if pk is not None:
            return inquiry_for_preview(org).filter(pk=pk).first()
    return None
