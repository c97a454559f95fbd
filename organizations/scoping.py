"""Organization scoping: the only way views fetch tenant-owned objects.

`org_view` resolves the organization from the `/<org_slug>/` URL prefix, checks that the
signed-in user has an active membership there (404 if not, so slugs leak nothing) and that the
role may use the view (403 if not). `get_for_org_or_404` and `for_org` scope every lookup to
that organization.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from organizations import tenancy
from organizations.models import Membership, Organization
from organizations.selectors import user_memberships

M = TypeVar("M", bound=models.Model)

ALL_ROLES = tuple(Membership.Role.values)
STAFF_ROLES = (Membership.Role.ADMIN, Membership.Role.CASEWORKER)
ADMIN_ROLES = (Membership.Role.ADMIN,)


def for_org(
    queryset_or_model: type[M] | models.QuerySet[M], org: Organization
) -> models.QuerySet[M]:
    """Return the queryset limited to rows of `org`."""
    if isinstance(queryset_or_model, models.QuerySet):
        queryset = queryset_or_model
    else:
        queryset = queryset_or_model._default_manager.all()
    return queryset.filter(organization=org)


def get_for_org_or_404(
    queryset_or_model: type[M] | models.QuerySet[M], org: Organization, **lookup
) -> M:
    """Fetch one row of `org` or raise 404, also for rows that exist in another organization."""
    try:
        return for_org(queryset_or_model, org).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def memberships_with_current(user, org_slug: str) -> tuple[Membership, list[Membership]]:
    """(the user's active membership in the organization with `org_slug`, all their active
    memberships by organization name) in one query: the page needs both, the second for the
    organization switcher. 404 when there is no such membership."""
    memberships = user_memberships(user)
    for membership in memberships:
        if membership.organization.slug == org_slug:
            return membership, memberships
    raise Http404


def activate_organization(
    request: HttpRequest, membership: Membership, memberships: list[Membership]
) -> None:
    org = membership.organization
    tenancy.activate(org)  # for the rest of the request (TenantMiddleware ends it)
    request.org = org
    request.membership = membership
    request.my_memberships = memberships
    if request.session.get("last_org") != org.slug:  # avoid a session write per request
        request.session["last_org"] = org.slug
    timezone.activate(zoneinfo.ZoneInfo(org.time_zone))
    if not request.user.language:
        translation.activate(org.default_language)
        request.LANGUAGE_CODE = org.default_language


def org_view(roles: Iterable[str] = STAFF_ROLES) -> Callable:
    """Decorate a view taking `org_slug` so it runs with `request.org` and `request.membership`.

    Anonymous users are sent to sign in; members outside `roles` get 403; everyone else 404.
    """
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, org_slug: str, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership, memberships = memberships_with_current(request.user, org_slug)
            if membership.role not in allowed:
                raise PermissionDenied
            activate_organization(request, membership, memberships)
            return view(request, *args, **kwargs)

        wrapped.org_roles = allowed  # type: ignore[attr-defined]
        return wrapped

    return decorator


def check_same_org(org: Organization, *objects) -> None:
    """Services trust no caller: any given object of another organization is refused (None is
    skipped, so optional fields can be passed as they are)."""
    for obj in objects:
        if obj is not None and obj.organization_id != org.pk:
            raise ValidationError(_("That belongs to another organization."))
