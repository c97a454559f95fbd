"""The dashboard's figures equal a plain computation over the same generated cases: every
breakdown, with and without filters, with percentiles in SQL and in the Python fallback."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reports.dashboard.filters import DashboardFilters, local_midnight, preset_period
from reports.dashboard.queries import dashboard_figures
from reports.dashboard.tables import hours
from tests.reports.dashboard_data import expected, generate

pytestmark = pytest.mark.django_db


def _actual(row) -> dict:
    return {
        "open": row.open,
        "overdue": row.overdue,
        "sla_late": row.sla_late,
        "created": row.created,
        "closed": row.closed,
        "first_response": [hours(v) for v in row.first_response],
        "resolution": [hours(v) for v in row.resolution],
        "fr_met": (row.fr_met, row.fr_targets),
        "res_met": (row.res_met, row.res_targets),
    }


def _compare(dashboard, plain) -> None:
    assert _actual(dashboard.total) == plain["total"][None]
    for dim, rows in dashboard.breakdowns.items():
        got = {row.key: _actual(row) for row in rows}
        assert got == plain[dim], dim


@pytest.fixture
def data(tenant):
    timezone.activate("Europe/Oslo")
    now = timezone.now()
    rows = generate(tenant.org, now)
    yield now, rows
    timezone.deactivate()


@pytest.mark.parametrize("in_sql", [True, False])
@pytest.mark.parametrize("weeks", [4, 12, 52])
def test_figures_equal_a_plain_computation(tenant, data, in_sql, weeks):
    now, _rows = data
    start, end = preset_period(weeks, now)
    f = DashboardFilters(start, end, preset=str(weeks))
    dashboard = dashboard_figures(tenant.org, f, now=now, in_sql=in_sql)
    _compare(dashboard, expected(tenant.org, start, end, now))
    assert dashboard.total.created > 0 and dashboard.total.first_response[0] is not None


@pytest.mark.parametrize("in_sql", [True, False])
def test_team_and_property_filters_apply_to_every_figure(tenant, data, in_sql):
    now, rows = data
    start, end = preset_period(12, now)
    team, estate = rows["teams"][1], rows["estate"]
    f = DashboardFilters(start, end, team=team, property=estate, preset="12")
    dashboard = dashboard_figures(tenant.org, f, now=now, in_sql=in_sql)
    plain = expected(tenant.org, start, end, now, team=team, prop_ids={estate.pk, rows["unit"].pk})
    _compare(dashboard, plain)
    unfiltered = dashboard_figures(tenant.org, DashboardFilters(start, end), now=now)
    assert dashboard.total.created < unfiltered.total.created


def test_a_chosen_period_in_the_past(tenant, data):
    now, _rows = data
    start = local_midnight(timezone.localdate(now) - dt.timedelta(days=60))
    end = local_midnight(timezone.localdate(now) - dt.timedelta(days=20))
    f = DashboardFilters(start, end, preset="custom")
    _compare(dashboard_figures(tenant.org, f, now=now), expected(tenant.org, start, end, now))


def test_weekly_series_counts_every_iso_week_in_local_time(tenant, data):
    now, _rows = data
    start, end = preset_period(12, now)
    dashboard = dashboard_figures(tenant.org, DashboardFilters(start, end), now=now)
    assert len(dashboard.weeks) == 12
    assert all(w.start.weekday() == 0 for w in dashboard.weeks)
    assert sum(w.created for w in dashboard.weeks) == dashboard.total.created
    assert sum(w.closed for w in dashboard.weeks) == dashboard.total.closed
    from cases.models import Case

    for week in dashboard.weeks:
        low = max(local_midnight(week.start), start)
        high = min(local_midnight(week.start + dt.timedelta(days=7)), end)
        assert (
            week.created
            == Case.objects.filter(
                organization=tenant.org, created_at__gte=low, created_at__lt=high
            ).count()
        )


def test_other_organizations_cases_never_count(tenant, other_tenant, data):
    now, _rows = data
    generate(other_tenant.org, now, count=40, seed=3)
    start, end = preset_period(52, now)
    dashboard = dashboard_figures(tenant.org, DashboardFilters(start, end), now=now)
    _compare(dashboard, expected(tenant.org, start, end, now))
