from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.functional import SimpleLazyObject

from organizations import tenancy
from organizations.compiled import compiled_list
from organizations.directory import directory_list
from organizations.models import Invitation, Membership, Organization, Team, User


def user_memberships(user: User) -> list[Membership]:
    """The user's active memberships with their organizations, by organization name: read
    across organizations, the user's own rows only (sign-in, the switcher, the landing page)."""
    with tenancy.all_organizations("the signed-in user's own memberships"):
        return compiled_list("user_memberships", _memberships, user.pk, scoped=False)


def _memberships(user_id: int):
    return (
        Membership.objects.filter(user_id=user_id, is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )


def memberships_for_user(user: User):
    """user_memberships, evaluated only when used."""
    return SimpleLazyObject(lambda: user_memberships(user))


def member_list(org: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=org)
        .select_related("user")
        .order_by("-is_active", "user__full_name", "user__email")
    )


def invitation_list(org: Organization) -> QuerySet[Invitation]:
    """Invitations not yet accepted, for the member list: the e-mail address, role and dates
    only, never the invited user's own name (they have not joined)."""
    return Invitation.objects.filter(organization=org).only(
        "id", "organization_id", "email", "role", "invited_at", "expires_at"
    )


def active_members(org: Organization, roles: Iterable[str] | None = None) -> QuerySet[User]:
    """Users with an active membership in `org` (optionally in `roles`), for pickers and
    @mentions. The membership conditions sit in ONE filter() so they apply to the same
    membership row: chained filters would join twice and let another organization's
    membership satisfy the role."""
    conditions = {"memberships__organization": org, "memberships__is_active": True}
    if roles is not None:
        conditions["memberships__role__in"] = list(roles)
    return User.objects.filter(is_active=True, **conditions).order_by("full_name", "email")


def staff_members(org: Organization) -> QuerySet[User]:
    return active_members(org, roles=[Membership.Role.ADMIN, Membership.Role.CASEWORKER])


def staff_list(org: Organization) -> list[User]:
    """staff_members as a list for the pickers of every list page: cached per organization
    (organizations/directory.py), its SQL compiled once."""
    return directory_list(org, "staff", lambda o: compiled_list("staff_list", _staff, o.pk))


def _staff(org_id: int):
    return User.objects.filter(
        is_active=True,
        memberships__organization_id=org_id,
        memberships__is_active=True,
        memberships__role__in=[Membership.Role.ADMIN, Membership.Role.CASEWORKER],
    ).order_by("full_name", "email")


def team_list(org: Organization) -> QuerySet[Team]:
    return Team.objects.filter(organization=org).prefetch_related("members").order_by("name")
