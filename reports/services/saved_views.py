"""Saved views: a named case-list filter and sort, the owner's, optionally shared with a team.

The left menu lists the views a user sees (their own and their teams') with the number of cases
in each. Pages must not pay for that: the menu (names and counts) is cached per user for
MENU_TTL seconds; on a miss it costs two queries (the views, then every count in one UNION ALL),
made by the menu's own request (htmx, after the page loaded), never by the page itself. Saving,
renaming, sharing or deleting a view drops the cached menu of everyone who sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, Q, QuerySet, Value
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.forms_lists import ListChoices
from organizations.models import Membership, Organization, Team, TeamMember, User
from organizations.scoping import check_same_org
from organizations.user_cache import cached_for_user, forget_for_users, frame_kind, user_key
from reports.models import SavedView
from reports.services.case_export import (
    case_list_query_or_none,
    check_query_objects,
    normalized_query,
)

MENU_TTL = 60  # seconds a user's menu (and its counts) may be stale
MENU_MAX = 25  # views shown in the menu (all are on the saved views page)
NAME_MAX = 80


MENU_KIND = frame_kind("reports:saved-views-menu")


def menu_cache_key(org_id: int, user_id: int) -> str:
    return user_key(MENU_KIND, org_id, user_id)


def visible_views(org: Organization, user: User) -> QuerySet[SavedView]:
    """The views `user` sees in `org`: their own and those shared with a team they are in."""
    teams = TeamMember.objects.filter(organization=org, user=user).values("team_id")
    return (
        SavedView.objects.filter(organization=org)
        .filter(Q(owner=user) | Q(team_id__in=teams))
        .select_related("team", "owner")
        .order_by("name", "id")
    )


def can_edit(view: SavedView, user: User, membership: Membership) -> bool:
    """Only the owner, or an admin of the organization, changes or deletes a view."""
    return view.owner_id == user.pk or membership.role == Membership.Role.ADMIN


def _forget_menus(org: Organization, *views: SavedView, owners: tuple[int, ...] = ()) -> None:
    """Drop the cached menu of everyone who sees (or saw) these views."""
    users = set(owners)
    team_ids = set()
    for view in views:
        users.add(view.owner_id)
        if view.team_id:
            team_ids.add(view.team_id)
    if team_ids:
        users.update(
            TeamMember.objects.filter(organization=org, team_id__in=team_ids).values_list(
                "user_id", flat=True
            )
        )
    forget_for_users(MENU_KIND, org.pk, users)


def _clean(org: Organization, name: str, team: Team | None) -> str:
    check_same_org(org, team)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the view a name.")})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": _("At most %(max)d characters.") % {"max": NAME_MAX}})
    return name


def _save(view: SavedView) -> None:
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("You already have a view with this name.")}) from exc


def saved_view_create(
    *, org: Organization, actor: User, name: str, params: QueryDict, team: Team | None = None
) -> SavedView:
    """Save the case-list filter and sort in `params` as `name`, shared with `team` if given."""
    name = _clean(org, name, team)
    check_query_objects(org, params)
    with transaction.atomic():
        view = SavedView(
            organization=org, owner=actor, name=name, team=team, query=normalized_query(params)
        )
        _save(view)
        _forget_menus(org, view)
    return view


def saved_view_update(
    *,
    org: Organization,
    actor: User,
    view: SavedView,
    name: str,
    team: Team | None,
    params: QueryDict | None = None,
) -> SavedView:
    """Rename or reshare `view`; with `params`, also replace its filter and sort."""
    check_same_org(org, view)
    name = _clean(org, name, team)
    with transaction.atomic():
        before = SavedView(owner_id=view.owner_id, team_id=view.team_id)
        view.name, view.team = name, team
        if params is not None:
            check_query_objects(org, params)
            view.query = normalized_query(params)
        _save(view)
        _forget_menus(org, view, before)
    return view


def saved_view_delete(*, org: Organization, actor: User, view: SavedView) -> None:
    check_same_org(org, view)
    with transaction.atomic():
        _forget_menus(org, view)
        view.delete()


@dataclass
class MenuEntry:
    pk: int
    name: str
    url: str
    count: int | None  # None: the view's customer or property is gone
    shared: bool  # shared with the user by someone else


# Filter keys whose value the filter form looks up among the organization's rows (ListChoices).
CHOICE_LISTS = {
    "category": "categories",
    "team": "teams",
    "supplier": "suppliers",
    "tag": "tags",
    "assignee": "staff",
}


def _choices_for(org: Organization, queries: list[QueryDict]) -> ListChoices:
    """One ListChoices for all the views, reading only the lists some view filters by."""
    choices = ListChoices(org)
    used = {key for query in queries for key in query}
    for key, attr in CHOICE_LISTS.items():
        if key not in used:
            choices.__dict__[attr] = []  # the cached_property's value: no query
    return choices


def view_counts(org: Organization, views: list[SavedView]) -> dict[int, int | None]:
    """Each view's number of cases, in one query (a UNION ALL of one count per view), plus one
    per pickable list (staff, tags, ...) that some view filters by."""
    counts: dict[int, int | None] = {view.pk: None for view in views}
    queries = [QueryDict(view.query) for view in views]
    choices = _choices_for(org, queries)
    parts = []
    for view, params in zip(views, queries, strict=True):
        query = case_list_query_or_none(org, params, choices)
        if query is None:
            continue
        parts.append(
            query.queryset.order_by()
            .annotate(view_id=Value(view.pk, output_field=IntegerField()))
            .values("view_id")
            .annotate(n=Count("id"))
            .values_list("view_id", "n")
        )
    if not parts:
        return counts
    first, *rest = parts
    rows = first.union(*rest, all=True) if rest else first
    for view_id, n in rows:
        counts[view_id] = n
    return counts


def menu_entries(org: Organization, user: User) -> list[MenuEntry]:
    """The user's menu, from the cache or (on a miss) read and cached for MENU_TTL."""
    key = menu_cache_key(org.pk, user.pk)
    cached = cache.get(key)
    if cached is not None:
        return cached
    views = list(visible_views(org, user)[:MENU_MAX])
    counts = view_counts(org, views) if views else {}
    list_url = reverse("cases:case_list", kwargs={"org_slug": org.slug})
    entries = [
        MenuEntry(
            pk=view.pk,
            name=view.name,
            url=f"{list_url}?{view.query}" if view.query else list_url,
            count=counts.get(view.pk),
            shared=view.owner_id != user.pk,
        )
        for view in views
    ]
    cache.set(key, entries, MENU_TTL)
    return entries


def cached_menu(org: Organization, user: User, frame: dict | None = None) -> list[MenuEntry] | None:
    """The cached menu, or None when it must be read (the page then asks for it by htmx).
    `frame`: the page frame's cached values (organizations.user_cache.frame_values)."""
    return cached_for_user(MENU_KIND, org.pk, user.pk, frame)
