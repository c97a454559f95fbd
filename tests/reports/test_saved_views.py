"""Saved views: a named case-list filter and sort, shared with a team if chosen, in the left menu
with its count (cached: pages pay no query for it)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse

from cases.models import Case
from cases.services.cases import case_change
from organizations.models import TeamMember
from reports.models import SavedView
from reports.services.saved_views import (
    menu_cache_key,
    menu_entries,
    saved_view_create,
    saved_view_update,
    view_counts,
)
from tests.cases.lists_support import queries_for_get
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(tenant):
    return tenant.org


@pytest.fixture
def me(tenant):
    return tenant.caseworker


def url(org, name, **kwargs) -> str:
    return reverse(f"reports:{name}", kwargs={"org_slug": org.slug, **kwargs})


def make_view(org, owner, name="Mine", query="status=open", team=None) -> SavedView:
    return saved_view_create(org=org, actor=owner, name=name, params=QueryDict(query), team=team)


def test_saving_from_the_case_list_stores_the_normalized_query(org, me, staff_client):
    query = "sort=-created&status=open&after=abc&q=+&priority=high&bogus=1"
    form = staff_client.get(url(org, "saved_view_new") + "?" + urlencode({"query": query}))
    assert form.status_code == 200
    assert 'value="priority=high&amp;status=open"' in form.content.decode()

    response = staff_client.post(
        url(org, "saved_view_new"), {"name": "  Urgent   open ", "query": query, "team": ""}
    )

    view = SavedView.objects.get()
    assert (view.name, view.owner, view.team, view.query) == (
        "Urgent open",
        me,
        None,
        "priority=high&status=open",
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/cases/?priority=high&status=open")


def test_duplicate_or_empty_name_is_a_form_error(org, me, staff_client):
    make_view(org, me, "Mine")
    response = staff_client.post(url(org, "saved_view_new"), {"name": "Mine", "query": ""})
    assert response.status_code == 200
    assert "You already have a view with this name." in response.content.decode()
    response = staff_client.post(url(org, "saved_view_new"), {"name": "   ", "query": ""})
    assert response.status_code == 200
    assert SavedView.objects.count() == 1


def test_counts_in_one_query_match_the_filters(org, me, django_assert_num_queries):
    make_case(org, me, title="Open one", priority="high", assignee=me)
    make_case(org, me, title="Open two")
    closed = make_case(org, me, title="Closed")
    case_change(org=org, actor=me, case=closed, status=Case.Status.CLOSED)
    views = [
        make_view(org, me, "Open", "status=open"),
        make_view(org, me, "High", "priority=high&sort=priority"),
        make_view(org, me, "None", "q=nothing-matches-this"),
        make_view(org, me, "All", ""),
    ]
    with django_assert_num_queries(1):
        counts = view_counts(org, views)
    assert [counts[v.pk] for v in views] == [2, 1, 0, 3]
    mine = make_view(org, me, "Mine", f"assignee={me.pk}")
    too = make_view(org, me, "Me too", f"assignee={me.pk}")
    with django_assert_num_queries(2):  # and the staff list, read once for all views
        counts = view_counts(org, [*views, mine, too])
    assert counts[mine.pk] == counts[too.pk] == 1


def test_menu_shows_own_and_team_views_with_counts_and_is_cached(org, me, tenant, staff_client):
    team = TeamFactory(organization=org, name="Drift")
    TeamMember.objects.create(organization=org, team=team, user=me)
    make_case(org, me)
    make_view(org, me, "Mine", "status=open")
    make_view(org, tenant.admin, "Team view", "", team=team)
    make_view(org, tenant.admin, "Admin's private", "")

    first = staff_client.get(url(org, "saved_views_menu"))
    html = first.content.decode()
    assert "Mine" in html and "Team view" in html and "Admin&#x27;s private" not in html
    assert "1 case" in html
    # The cached menu is now part of every page, without a query of its own.
    page_queries, page = queries_for_get(staff_client, reverse("cases:inbox", args=[org.slug]))
    assert "Team view" in page.content.decode()
    cache.delete(menu_cache_key(org.pk, me.pk))
    cold_queries, cold = queries_for_get(staff_client, reverse("cases:inbox", args=[org.slug]))
    cache.delete(menu_cache_key(org.pk, me.pk))
    assert cold_queries == page_queries  # a cold menu costs the page nothing either
    # ...it asks for itself once the page has loaded.
    assert 'hx-get="' + url(org, "saved_views_menu") + '"' in cold.content.decode()


def test_saving_a_shared_view_drops_the_team_members_cached_menus(
    org, me, tenant, django_capture_on_commit_callbacks
):
    team = TeamFactory(organization=org)
    TeamMember.objects.create(organization=org, team=team, user=me)
    assert menu_entries(org, me) == []
    with django_capture_on_commit_callbacks(execute=True):
        make_view(org, tenant.admin, "Shared", team=team)
    assert [e.name for e in menu_entries(org, me)] == ["Shared"]


def test_only_owner_or_admin_edits_and_deletes(org, me, tenant):
    team = TeamFactory(organization=org)
    for user in (me, tenant.admin):
        TeamMember.objects.create(organization=org, team=team, user=user)
    colleague = tenant.admin
    view = make_view(org, me, "Mine", team=team)
    other = tenant.client_for(me)
    # The owner renames it.
    response = other.post(
        url(org, "saved_view_edit", view_id=view.pk), {"name": "Renamed", "team": team.pk}
    )
    assert response.status_code == 302
    view.refresh_from_db()
    assert view.name == "Renamed" and view.query == "status=open"

    admins_view = make_view(org, colleague, "Admin's", team=team)
    # A team member who sees it but does not own it: 403.
    assert other.get(url(org, "saved_view_edit", view_id=admins_view.pk)).status_code == 403
    assert other.post(url(org, "saved_view_delete", view_id=admins_view.pk)).status_code == 403
    # The admin may delete anyone's view.
    admin = tenant.client_for(colleague)
    assert admin.post(url(org, "saved_view_delete", view_id=view.pk)).status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_a_view_not_shared_with_you_is_404(org, me, tenant):
    private = make_view(org, tenant.admin, "Private")
    client = tenant.client_for(me)
    assert client.get(url(org, "saved_view_edit", view_id=private.pk)).status_code == 404
    assert client.post(url(org, "saved_view_delete", view_id=private.pk)).status_code == 404


def test_list_page_shows_visible_views(org, me, staff_client):
    make_view(org, me, "Åpne saker")
    response = staff_client.get(url(org, "saved_views"))
    assert response.status_code == 200
    assert "Åpne saker" in response.content.decode()


def test_view_whose_customer_is_gone_has_no_count(org, me):
    customer = CustomerFactory(organization=org)
    view = make_view(org, me, "Kunde", f"customer={customer.pk}")
    customer.delete()
    assert view_counts(org, [view]) == {view.pk: None}


# --- Another organization ---------------------------------------------------------------------


def test_outsider_gets_404_on_every_saved_view_url(org, me, outsider_client):
    view = make_view(org, me)
    for name, kwargs in [
        ("saved_views", {}),
        ("saved_view_new", {}),
        ("saved_views_menu", {}),
        ("saved_view_edit", {"view_id": view.pk}),
        ("saved_view_delete", {"view_id": view.pk}),
    ]:
        assert outsider_client.get(url(org, name, **kwargs)).status_code == 404, name
        assert outsider_client.post(url(org, name, **kwargs), {"name": "x"}).status_code in (
            404,
            405,
        )
    view.refresh_from_db()
    assert view.name == "Mine"


def test_outsider_cannot_reach_a_view_through_their_own_organization(org, me, other_tenant):
    view = make_view(org, me)
    client = other_tenant.client_for(other_tenant.admin)
    beta = other_tenant.org
    assert client.get(url(beta, "saved_view_edit", view_id=view.pk)).status_code == 404
    assert client.post(url(beta, "saved_view_delete", view_id=view.pk)).status_code == 404


def test_service_refuses_another_organizations_team_and_view(org, me, other_tenant):
    foreign_team = TeamFactory(organization=other_tenant.org)
    with pytest.raises(ValidationError):
        make_view(org, me, "Leak", team=foreign_team)
    foreign_view = make_view(other_tenant.org, other_tenant.caseworker, "Theirs")
    with pytest.raises(ValidationError):
        saved_view_update(org=org, actor=me, view=foreign_view, name="Mine now", team=None)


def test_form_offers_only_the_organizations_teams(org, other_tenant, staff_client):
    TeamFactory(organization=org, name="Vår")
    TeamFactory(organization=other_tenant.org, name="Deres")
    html = staff_client.get(url(org, "saved_view_new")).content.decode()
    assert "Vår" in html and "Deres" not in html
