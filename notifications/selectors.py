from __future__ import annotations

from django.db.models import Count, QuerySet

from notifications.models import Notification
from organizations import tenancy
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


def unread_elsewhere(org: Organization, user: User) -> dict[int, int]:
    """{organization id: unread count} of `user`'s notifications in their other organizations:
    one grouped query across organizations, the user's own rows only (the switcher's dots)."""
    with tenancy.all_organizations("the signed-in user's own unread notices, for the switcher"):
        rows = (
            Notification.objects.filter(recipient=user, read_at__isnull=True)
            .exclude(organization_id=org.pk)
            .values("organization_id")
            .annotate(unread=Count("id"))
            .order_by()
        )
        return {row["organization_id"]: row["unread"] for row in rows}
