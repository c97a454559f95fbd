"""Deleting inquiries (recoverable for 30 days), restoring them, and purging old deletions."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inquiries.models import Inquiry, InquiryAttachment
from inquiries.services.files import stored_delete
from organizations.models import Organization, User

RESTORE_DAYS = 30


def _ids(inquiries: Iterable[Inquiry | int]) -> set[int]:
    return {i.pk if isinstance(i, Inquiry) else int(i) for i in inquiries}


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
    return Inquiry.objects.filter(
        organization=org, pk__in=_ids(inquiries), status=Inquiry.Status.NEW
    ).update(
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
    return Inquiry.objects.filter(
        organization=org, pk__in=_ids(inquiries), status=Inquiry.Status.DELETED
    ).update(
        status=Inquiry.Status.NEW,
        deleted_reason="",
        deleted_at=None,
        handled_by=None,
        handled_at=None,
    )


def purge_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=RESTORE_DAYS)


def inquiries_purge_deleted(*, now: datetime.datetime | None = None, limit: int = 5000) -> int:
    """Hard-delete inquiries deleted more than 30 days ago, with their files (all
    organizations: this is the nightly job). Returns how many inquiries were removed."""
    with transaction.atomic():
        ids = list(
            Inquiry.objects.select_for_update(skip_locked=True)
            .filter(status=Inquiry.Status.DELETED, deleted_at__lt=purge_cutoff(now))
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return 0
        names = list(
            InquiryAttachment.objects.filter(inquiry_id__in=ids).values_list("file", flat=True)
        )
        Inquiry.objects.filter(pk__in=ids).delete()
    # Files go after the commit: a rolled-back purge must not lose files of kept rows.
    stored_delete(names)
    return len(ids)
