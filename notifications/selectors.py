from __future__ import annotations

from django.db.models import QuerySet

from notifications.models import Notification
from organizations.models import Organization, User


def unread_count(org: Organization, user: User) -> int:
    return Notification.objects.filter(
        organization=org, recipient=user, read_at__isnull=True
    ).count()


def recent_for_user(org: Organization, user: User, limit: int = 20) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(organization=org, recipient=user)
        .select_related("actor")
        .order_by("-created_at")[:limit]
    )
