"""The dashboard's page cache and its background refresh: a cached page is one cache read (no
figure is computed), pages are kept per language and filters, links in a cached page carry
only valid filters, and the default views of an organization whose dashboard was opened
within the hour are recomputed by the beat job, filtered views and other organizations' not."""

from __future__ import annotations

import re
import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from reports.dashboard import cache as dashboard_cache
from reports.dashboard.filters import PRESETS, DashboardFilters, preset_period
from reports.dashboard.queries import dashboard_figures
from reports.dashboard.tables import REPORTS, report_table
from reports.tasks import refresh_dashboard, refresh_dashboards
from tests.markers import postgresql_only
from tests.reports.dashboard_data import generate

pytestmark = pytest.mark.django_db


def _url(org, query=""):
    return reverse("reports:dashboard", kwargs={"org_slug": org.slug}) + query


@pytest.fixture
def data(tenant):
    return generate(tenant.org, timezone.now(), count=40)


def _page_keys(org, language):
    """The cache keys of the organization's default views' pages (its time zone, today)."""
    with timezone.override(org.time_zone):
        keys = []
        for preset, weeks in PRESETS.items():
            f = DashboardFilters(*preset_period(weeks, timezone.now()), preset=preset)
            keys.append(dashboard_cache.page_key(org.pk, f, language))
        return keys


def test_a_cached_page_computes_nothing(staff_client, tenant, data, django_assert_num_queries):
    first = staff_client.get(_url(tenant.org, "?period=4"))
    assert first.context["figures"] is not None  # computed for this request
    # Session user, membership (org_view), the tray's count (the bell's and the filter's teams
    # are cached) and the savepoint pair of ATOMIC_REQUESTS: nothing for the figures.
    with django_assert_num_queries(5):
        again = staff_client.get(_url(tenant.org, "?period=4"))
    assert again.context["figures"] is None
    body = first.content.decode().split('<section class="dashboard-summary"')[1]
    assert body in again.content.decode()
    assert re.search(rb"Figures as of \d\d:\d\d", again.content)


def test_pages_are_kept_per_language_and_filters(tenant, data):
    with timezone.override(tenant.org.time_zone):
        f = DashboardFilters(*preset_period(12, timezone.now()))
        with translation.override("en"):
            assert dashboard_cache.dashboard_page(tenant.org, f)[1] is not None
            assert dashboard_cache.dashboard_page(tenant.org, f)[1] is None
        with translation.override("sv"):
            page, figures = dashboard_cache.dashboard_page(tenant.org, f)
        assert figures is not None  # rendered again for this language
        team = DashboardFilters(f.start, f.end, team=data["teams"][0])
        with translation.override("en"):
            assert dashboard_cache.dashboard_page(tenant.org, team)[1] is not None


def test_links_in_a_cached_page_carry_only_valid_filters(staff_client, tenant, data):
    html = staff_client.get(_url(tenant.org, "?period=52&team=999999&junk=<x>")).content.decode()
    links = re.findall(r'href="([^"]*/dashboard/\w+\.\w+[^"]*)"', html)
    assert links and all(link.endswith("?period=52") for link in links), links
    # The next visitor of the same view gets the same (cached) links.
    other = tenant.client_for(tenant.admin).get(_url(tenant.org, "?period=52")).content.decode()
    assert re.findall(r'href="([^"]*/dashboard/\w+\.\w+[^"]*)"', other) == links


def test_beat_refreshes_default_views_of_organizations_opened_within_the_hour(
    staff_client, tenant, other_tenant, data
):
    assert refresh_dashboards() == 0  # nobody opened a dashboard yet
    staff_client.get(_url(tenant.org, f"?period=12&team={data['teams'][0].pk}"))
    assert refresh_dashboards() == 0  # a filtered view does not count
    staff_client.get(_url(tenant.org, "?period=12"))
    mark = cache.get(dashboard_cache.opened_key(tenant.org.pk))
    [language] = mark  # the view noted the language it showed the default view in
    cache.clear()  # the figures and pages expire...
    cache.set(dashboard_cache.opened_key(tenant.org.pk), mark, 3600)
    assert refresh_dashboards() == 1  # ...and the beat job (run eagerly here) recomputes them
    assert all(cache.get(key) is not None for key in _page_keys(tenant.org, language))
    assert not any(cache.get(key) for key in _page_keys(other_tenant.org, language))
    for preset in PRESETS:
        page = staff_client.get(_url(tenant.org, f"?period={preset}"))
        assert page.context["figures"] is None  # the first request after expiry is warm
    filtered = staff_client.get(_url(tenant.org, f"?period=12&team={data['teams'][0].pk}"))
    assert filtered.context["figures"] is not None  # filtered views are computed on demand


def test_refresh_is_for_opened_languages_and_forgets_after_an_hour(tenant, data, monkeypatch):
    now = 1_000_000.0
    monkeypatch.setattr(dashboard_cache.time, "time", lambda: now)
    cache.set(
        dashboard_cache.opened_key(tenant.org.pk),
        {"en": now - 60, "da": now - 3700, "xx": now},
        3600,
    )
    assert dashboard_cache.opened_languages([tenant.org.pk, 999999]) == {tenant.org.pk: ["en"]}
    assert refresh_dashboard(tenant.org.pk, ["en"]) == len(PRESETS)
    assert all(cache.get(key) is not None for key in _page_keys(tenant.org, "en"))
    assert not any(cache.get(key) for key in _page_keys(tenant.org, "da"))


def test_refreshed_figures_equal_those_computed_on_demand(staff_client, tenant, data):
    refresh_dashboard(tenant.org.pk, ["en"])
    with timezone.override(tenant.org.time_zone):
        f = DashboardFilters(*preset_period(52, timezone.now()), preset="52")
        refreshed = cache.get(dashboard_cache.figures_key(tenant.org.pk, f))
        same = DashboardFilters(refreshed.start, refreshed.end, preset="52")
        fresh = dashboard_figures(tenant.org, same, now=refreshed.computed_at)
    assert refreshed.total == fresh.total and refreshed.breakdowns == fresh.breakdowns
    assert refreshed.weeks == fresh.weeks


@pytest.mark.celery
@postgresql_only("row-level security under the worker's scope")
def test_a_real_worker_refreshes_only_its_organizations_figures(real_worker, tenant, other_tenant):
    now = timezone.now()
    generate(tenant.org, now, count=30)
    generate(other_tenant.org, now, count=30, seed=3)
    cache.set(dashboard_cache.opened_key(tenant.org.pk), {"en": time.time()}, 3600)
    refresh_dashboards.delay()
    [key, *_] = _page_keys(tenant.org, "en")
    deadline = time.monotonic() + 30
    while cache.get(key) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    with timezone.override(tenant.org.time_zone):
        f = DashboardFilters(*preset_period(4, timezone.now()), preset="4")
        refreshed = cache.get(dashboard_cache.figures_key(tenant.org.pk, f))
        assert refreshed is not None
        same = DashboardFilters(refreshed.start, refreshed.end, preset="4")
        mine = dashboard_figures(tenant.org, same, now=refreshed.computed_at, in_sql=False)
    for report in REPORTS:  # as shown: hours to one decimal
        assert report_table(refreshed, report).rows == report_table(mine, report).rows, report
    assert not any(cache.get(k) for k in _page_keys(other_tenant.org, "en"))
