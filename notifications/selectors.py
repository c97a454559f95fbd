from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, QuerySet

from notifications.models import Notification
from organizations import tenancy
from organizations.models import Organization, User
from organizations.user_cache import cached_for_user, forget_for_users, frame_kind, user_key

# The bell's count is kept this long per organization and user (Django's cache, Redis in
# production): every staff page shows it. The writes that change it (notifications made,
# marked read: notifications.services, notifications.staff) forget it at once.
UNREAD_TTL = 60
KIND = frame_kind("bell-unread")


def cached_unread_count(org: Organization, user: User, frame: dict | None = None) -> int:
    """unread_count, from the cache when it was read in the last UNREAD_TTL seconds. `frame`:
    the page frame's cached values (organizations.user_cache.frame_values), read already."""
    count = cached_for_user(KIND, org.pk, user.pk, frame)
    if count is None:
        count = unread_count(org, user)
        cache.set(user_key(KIND, org.pk, user.pk), count, UNREAD_TTL)
    return count


def forget_unread_counts(org_id: int, user_ids) -> None:
    """Drop the cached bell counts of `user_ids`."""
    forget_for_users(KIND, org_id, user_ids)


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
