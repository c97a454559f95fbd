"""The bell: unread count from one indexed query, a list of recent notifications, opening one
marks it read and follows its link, "mark all read". Only the member's own, in this organization."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from notifications.context_processors import bell
from notifications.models import Notification
from notifications.services import notification_create_many
from tests.markers import postgresql_only

BELL_URL = "/{slug}/notifications/"


def _notify(org, user, text="Du ble nevnt", url="/alpha/cases/1/#note-1", actor=None):
    return notification_create_many(
        org=org, actor=actor, recipients=[user], kind="mention", text=text, url=url
    )[0]


def test_context_processor_counts_unread_with_one_query(tenant, django_assert_num_queries):
    _notify(tenant.org, tenant.caseworker)
    _notify(tenant.org, tenant.caseworker)
    read = _notify(tenant.org, tenant.caseworker)
    Notification.objects.filter(pk=read.pk).update(read_at="2030-01-01T00:00Z")
    request = RequestFactory().get("/")
    request.org, request.user = tenant.org, tenant.caseworker

    context = bell(request)

    with django_assert_num_queries(1):
        assert context["bell_unread_count"]() == 2
        assert context["bell_unread_count"]() == 2  # cached for the request


def test_context_processor_costs_nothing_outside_an_organization(tenant, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = tenant.caseworker

    with django_assert_num_queries(0):
        assert bell(request) == {}


@postgresql_only("reads a PostgreSQL query plan")
def test_unread_count_query_is_answered_from_an_index(tenant):
    request = RequestFactory().get("/")
    request.org, request.user = tenant.org, tenant.caseworker
    with CaptureQueriesContext(connection) as ctx:
        bell(request)["bell_unread_count"]()
    sql = ctx.captured_queries[0]["sql"]

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # The planner picks notification_unread_idx (partial, unread only) or, on a tiny table,
    # notification_recent_idx; never a scan of the whole table.
    assert "Index" in plan and "Seq Scan" not in plan


def test_bell_shows_the_unread_count_in_the_top_bar(tenant, staff_client):
    _notify(tenant.org, tenant.caseworker)
    _notify(tenant.org, tenant.caseworker)

    html = staff_client.get(f"/{tenant.org.slug}/").content.decode()

    assert 'class="badge bell-count" data-unread="2"' in html
    assert "Notifications: 2 unread" in html


def test_bell_counts_only_this_organizations_notifications(tenant, other_tenant, staff_client):
    from organizations.models import Membership

    Membership.objects.create(
        organization=other_tenant.org, user=tenant.caseworker, role="caseworker"
    )
    _notify(other_tenant.org, tenant.caseworker)

    html = staff_client.get(f"/{tenant.org.slug}/").content.decode()

    assert "bell-count" not in html
    assert "Notifications: 0 unread" in html


def test_bell_list_fragment_lists_recent_notifications(tenant, staff_client):
    _notify(tenant.org, tenant.caseworker, text="Kari nevnte deg på sak #7")
    _notify(tenant.org, tenant.admin, text="Not mine")

    response = staff_client.get(
        BELL_URL.format(slug=tenant.org.slug), headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Kari nevnte deg på sak #7" in html and "Not mine" not in html
    assert "Mark all as read" in html


def test_full_notifications_page(tenant, staff_client):
    _notify(tenant.org, tenant.caseworker, text="Kari nevnte deg")

    html = staff_client.get(BELL_URL.format(slug=tenant.org.slug)).content.decode()

    assert "<html" in html and "Kari nevnte deg" in html


def test_opening_a_notification_marks_it_read_and_follows_its_link(tenant, staff_client):
    n = _notify(tenant.org, tenant.caseworker, url="/alpha/cases/3/#note-9")

    response = staff_client.post(f"/{tenant.org.slug}/notifications/{n.pk}/open/")

    assert response.status_code == 302
    assert response["Location"] == "/alpha/cases/3/#note-9"
    n.refresh_from_db()
    assert n.read_at is not None


def test_a_notification_never_redirects_off_site(tenant, staff_client):
    n = _notify(tenant.org, tenant.caseworker, url="https://evil.example/phish")

    response = staff_client.post(f"/{tenant.org.slug}/notifications/{n.pk}/open/")

    assert response["Location"] == BELL_URL.format(slug=tenant.org.slug)


def test_mark_all_read_returns_the_bell_without_a_count(tenant, staff_client):
    _notify(tenant.org, tenant.caseworker)
    _notify(tenant.org, tenant.caseworker)
    others = _notify(tenant.org, tenant.admin)

    response = staff_client.post(
        f"/{tenant.org.slug}/notifications/read-all/", headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="bell"' in html and "bell-count" not in html
    assert not Notification.objects.filter(
        recipient=tenant.caseworker, read_at__isnull=True
    ).exists()
    others.refresh_from_db()
    assert others.read_at is None


def test_supplier_user_has_a_bell_too(tenant):
    _notify(tenant.org, tenant.supplier, text="Ny oppgave")
    client = tenant.client_for(tenant.supplier)

    response = client.get(BELL_URL.format(slug=tenant.org.slug))

    assert response.status_code == 200 and "Ny oppgave" in response.content.decode()


def test_someone_elses_notification_gives_404_and_stays_unread(tenant, staff_client):
    n = _notify(tenant.org, tenant.admin)

    response = staff_client.post(f"/{tenant.org.slug}/notifications/{n.pk}/open/")

    assert response.status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", ""), ("post", "{id}/open/"), ("post", "read-all/")],
)
def test_outsider_gets_404_on_the_bell_of_another_organization(
    tenant, outsider_client, method, path
):
    n = _notify(tenant.org, tenant.caseworker)

    url = BELL_URL.format(slug=tenant.org.slug) + path.format(id=n.pk)
    response = getattr(outsider_client, method)(url)

    assert response.status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_outsiders_own_notification_id_under_their_prefix_cannot_open_ours(
    tenant, other_tenant, outsider_client
):
    n = _notify(tenant.org, tenant.caseworker)

    response = outsider_client.post(f"/{other_tenant.org.slug}/notifications/{n.pk}/open/")

    assert response.status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_bell_count_is_cached_and_forgotten_when_notifications_change(
    tenant, staff_client, django_assert_num_queries
):
    """Issue 14: every staff page shows the bell, so its count is cached briefly; making a
    notification or marking them read forgets it at once."""
    from notifications.selectors import cached_unread_count
    from notifications.services import notification_mark_read

    org, me = tenant.org, tenant.caseworker
    _notify(org, me)
    assert cached_unread_count(org, me) == 1
    with django_assert_num_queries(0):
        assert cached_unread_count(org, me) == 1

    _notify(org, me)
    assert cached_unread_count(org, me) == 2
    notification_mark_read(org=org, user=me)
    assert cached_unread_count(org, me) == 0
    # A write outside the services is seen when the short-lived count expires, not before.
    Notification.objects.create(organization=org, recipient=me, kind="mention", text="x")
    assert cached_unread_count(org, me) == 0


def test_the_frame_reads_the_bell_count_and_the_saved_views_menu_in_one_cache_read(
    tenant, staff_client, monkeypatch
):
    """Every staff page shows the bell and the saved views' menu: both cached values come from
    the cache together (organizations.user_cache.frame_values), and the page shows them."""
    from django.core.cache import cache
    from django.http import QueryDict
    from django.urls import reverse

    from notifications.selectors import KIND
    from organizations.user_cache import user_key
    from reports.services.saved_views import menu_cache_key, saved_view_create

    org, me = tenant.org, tenant.caseworker
    _notify(org, me)
    _notify(org, me)
    saved_view_create(
        org=org, actor=me, name="Mine and open", params=QueryDict("status=open"), team=None
    )
    page = BELL_URL.format(slug=org.slug)
    staff_client.get(page)  # caches the bell's count
    # The menu caches itself when first asked for (htmx, after a page without it).
    staff_client.get(reverse("reports:saved_views_menu", kwargs={"org_slug": org.slug}))
    frame_keys = {user_key(KIND, org.pk, me.pk), menu_cache_key(org.pk, me.pk)}
    reads = []
    real_get, real_get_many = cache.get, cache.get_many

    def get(key, *args, **kwargs):
        reads.append({key})
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        reads.append(set(keys))
        return real_get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get", get)
    monkeypatch.setattr(cache, "get_many", get_many)

    response = staff_client.get(page)

    assert [keys & frame_keys for keys in reads if keys & frame_keys] == [frame_keys]
    html = response.content.decode()
    assert 'data-unread="2"' in html
    assert "Mine and open" in html
