from __future__ import annotations

from django.db.models import QuerySet
from django.utils.functional import SimpleLazyObject

from organizations.models import Membership, Organization, Team, User


def memberships_for_user(user: User):
    """The user's active memberships with their organizations, evaluated only when used."""
    return SimpleLazyObject(
        lambda: list(
            Membership.objects.filter(user=user, is_active=True)
            .select_related("organization")
            .order_by("organization__name")
        )
    )


def member_list(org: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=org)
        .select_related("user")
        .order_by("-is_active", "user__full_name", "user__email")
    )


def active_members(org: Organization) -> QuerySet[User]:
    """Users with an active membership in `org`, for pickers and @mentions."""
    return User.objects.filter(
        memberships__organization=org, memberships__is_active=True, is_active=True
    ).order_by("full_name", "email")


def staff_members(org: Organization) -> QuerySet[User]:
    return active_members(org).filter(
        memberships__role__in=[Membership.Role.ADMIN, Membership.Role.CASEWORKER]
    )


def team_list(org: Organization) -> QuerySet[Team]:
    return Team.objects.filter(organization=org).prefetch_related("members").order_by("name")
