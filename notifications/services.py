"""Writes for in-app notifications. Outbound e-mail and SMS arrive with a later issue."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.selectors import forget_unread_counts
from organizations.models import Organization, User


def notification_create_many(
    *,
    org: Organization,
    actor: User | None,
    recipients: Iterable[User],
    kind: str,
    text: str,
    url: str = "",
) -> list[Notification]:
    rows = [
        Notification(
            organization=org, recipient=r, actor=actor, kind=kind, text=text[:300], url=url
        )
        for r in recipients
        if actor is None or r.pk != actor.pk
    ]
    created = Notification.objects.bulk_create(rows)
    forget_unread_counts(org.pk, [row.recipient_id for row in rows])
    return created


@transaction.atomic
def notification_mark_read(
    *, org: Organization, user: User, ids: Iterable[int] | None = None
) -> int:
    qs = Notification.objects.filter(organization=org, recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    marked = qs.update(read_at=timezone.now())
    forget_unread_counts(org.pk, [user.pk])
    return marked
