"""Deleting inquiries (recoverable for 30 days), restoring them, and purging old deletions."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from inquiries.models import Inquiry, InquiryAttachment
from inquiries.services.audit import audit_status
from inquiries.services.files import stored_delete
from organizations.models import Organization, User

RESTORE_DAYS = 30


def _ids(inquiries: Iterable[Inquiry | int]) -> set[int]:
    return {i.pk if isinstance(i, Inquiry) else int(i) for i in inquiries}


def _locked(org: Organization, inquiries: Iterable[Inquiry | int], status: str) -> list[Inquiry]:
    """The organization's inquiries among `inquiries` in `status`, locked (their audit events
    name them)."""
    return list(
        Inquiry.objects.select_for_update()
        .filter(organization=org, pk__in=_ids(inquiries), status=status)
        .only("pk", "organization_id", "subject", "message")
        .order_by("pk")
    )


@transaction.atomic
def inquiry_delete_many(
    *, org: Organization, actor: User | None, inquiries: Iterable[Inquiry | int], reason: str
) -> int:
    """Move the organization's unprocessed inquiries among `inquiries` to "deleted".

    Ids of other organizations and inquiries already converted are ignored. Returns how many
    were deleted.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for deleting.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("At most %(limit)d characters.") % {"limit": 300}})
    now = timezone.now()
    rows = _locked(org, inquiries, Inquiry.Status.NEW)
    audit_status(
        org,
        actor,
        rows,
        "deleted",
        Inquiry.Status.NEW,
        Inquiry.Status.DELETED,
        reason=["", reason],
    )
    return Inquiry.objects.filter(pk__in=[row.pk for row in rows]).update(
        status=Inquiry.Status.DELETED,
        deleted_reason=reason,
        deleted_at=now,
        handled_by=actor,
        handled_at=now,
    )


@transaction.atomic
def inquiry_restore_many(
    *, org: Organization, actor: User | None, inquiries: Iterable[Inquiry | int]
) -> int:
    """Bring deleted inquiries of `org` back to the tray. Returns how many were restored."""
    rows = _locked(org, inquiries, Inquiry.Status.DELETED)
    audit_status(org, actor, rows, "restored", Inquiry.Status.DELETED, Inquiry.Status.NEW)
    return Inquiry.objects.filter(pk__in=[row.pk for row in rows]).update(
        status=Inquiry.Status.NEW,
        deleted_reason="",
        deleted_at=None,
        handled_by=None,
        handled_at=None,
    )


def purge_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=RESTORE_DAYS)


# Organizations that keep deleted inquiries longer or shorter than RESTORE_DAYS, and who hears
# what was purged: the privacy app's retention policies (above us in the import stack) register
# both in PrivacyConfig.ready.
_days_by_org: Callable[[], dict[int, int]] = dict
_report_purged: Callable[[dict[int, int]], None] = lambda counts: None  # noqa: E731


def register_purge_policy(
    days_by_org: Callable[[], dict[int, int]], report: Callable[[dict[int, int]], None]
) -> None:
    global _days_by_org, _report_purged
    _days_by_org, _report_purged = days_by_org, report


def _due(now: datetime.datetime) -> Q:
    """Deleted long enough ago: RESTORE_DAYS, or the organization's own number of days."""
    overrides = _days_by_org()
    due = Q(deleted_at__lt=purge_cutoff(now)) & ~Q(organization_id__in=list(overrides))
    for org_id, days in overrides.items():
        due |= Q(organization_id=org_id, deleted_at__lt=now - datetime.timedelta(days=days))
    return due


def inquiries_purge_deleted(*, now: datetime.datetime | None = None, limit: int = 5000) -> int:
    """Hard-delete inquiries deleted more than 30 days ago (or the organization's retention
    policy's days), with their files (all organizations: this is the nightly job). Returns how
    many inquiries were removed."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            Inquiry.objects.select_for_update(skip_locked=True)
            .filter(_due(now), status=Inquiry.Status.DELETED)
            .values_list("pk", "organization_id")[:limit]
        )
        if not rows:
            return 0
        ids = [pk for pk, _org in rows]
        names = list(
            InquiryAttachment.objects.filter(inquiry_id__in=ids).values_list("file", flat=True)
        )
        Inquiry.objects.filter(pk__in=ids).delete()
        counts: dict[int, int] = {}
        for _pk, org_id in rows:
            counts[org_id] = counts.get(org_id, 0) + 1
        _report_purged(counts)
    # Files go after the commit: a rolled-back purge must not lose files of kept rows.
    stored_delete(names)
    return len(ids)
