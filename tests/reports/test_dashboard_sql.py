"""The dashboard's statements on PostgreSQL (reports/dashboard/grouped.py): their percentiles are
`percentile_cont`'s, to the last bit, for every group of every breakdown (durations with
microseconds, not whole minutes), also when the hash tables spill to disk; and their plans
aggregate by hashing only, which is what keeps each group's durations in order."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.utils import timezone

from reports.dashboard import grouped
from reports.dashboard.filters import DashboardFilters, preset_period
from tests.markers import postgresql_only
from tests.reports.dashboard_data import generate

pytestmark = [pytest.mark.django_db, postgresql_only("the dashboard's own SQL")]

# Breakdown -> the column its rows group by (the team's through the link table).
KEYS = {"channel": "c.source", "category": "c.category_id", "assignee": "c.assignee_id"}
KEYS |= {"supplier": "c.supplier_id", "team": "l.team_id", "total": "NULL"}
DURATIONS = {
    "resolution": ("resolved_at", "c.resolved_at - c.created_at"),
    "first_response": ("first_response_at", "c.first_response_at - c.created_at"),
}


@pytest.fixture
def data(tenant):
    timezone.activate("Europe/Oslo")
    now = timezone.now()
    rows = generate(tenant.org, now, count=400, seed=11)
    # Durations of any microsecond, as real ones are (the generated ones are whole minutes).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case SET"
            " first_response_at = first_response_at - (id * 7919 %% 997) * interval '1 ms',"
            " resolved_at = resolved_at - (id * 104729 %% 65537) * interval '1 us'"
            " WHERE organization_id = %s",
            [tenant.org.pk],
        )
    yield now, rows
    timezone.deactivate()


def _percentile_cont(org, f: DashboardFilters, figure: str, key: str) -> dict:
    """{group key: [median, 90th]} the plain way, percentile_cont per group."""
    column, duration = DURATIONS[figure]
    team = ""
    if f.team is not None:
        team = f" AND c.id IN (SELECT case_id FROM cases_case_teams WHERE team_id = {f.team.pk})"
    sql = (
        f"SELECT {KEYS[key]}, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP"
        f" (ORDER BY date_part('epoch', {duration})) FROM cases_case c"
        " LEFT JOIN cases_case_teams l ON l.case_id = c.id"
        f" WHERE c.organization_id = %s AND c.{column} >= %s AND c.{column} < %s{team}"
    )
    if key == "team":
        sql += f" GROUP BY {KEYS[key]}"
    else:  # one row per case: the link table only for the team filter
        sql = sql.replace(" LEFT JOIN cases_case_teams l ON l.case_id = c.id", "")
        sql += f" GROUP BY {KEYS[key]}" if key != "total" else ""
    with connection.cursor() as cursor:
        cursor.execute(sql, [org.pk, f.start, f.end])
        return {
            group: [dt.timedelta(seconds=v) for v in values] for group, values in cursor.fetchall()
        }


def _assert_exact(org, f: DashboardFilters, now) -> int:
    groups, _weekly = grouped.grouped_rows(org, f, now)
    checked = 0
    for key in KEYS:
        for figure in DURATIONS:
            expected = _percentile_cont(org, f, figure, key)
            got = {
                group: values[figure]
                for group, values in groups.get(key, {}).items()
                if figure in values and values[figure][0] is not None
            }
            assert got == expected, (key, figure)
            checked += len(expected)
    return checked


@pytest.mark.parametrize("weeks", [4, 52])
def test_percentiles_are_percentile_conts_to_the_microsecond(tenant, data, weeks):
    now, _rows = data
    f = DashboardFilters(*preset_period(weeks, now), preset=str(weeks))
    assert _assert_exact(tenant.org, f, now) > 20


@pytest.mark.parametrize("weeks", [4, 52])
def test_percentiles_with_a_team_filter(tenant, data, weeks):
    now, rows = data
    f = DashboardFilters(*preset_period(weeks, now), team=rows["teams"][0], preset=str(weeks))
    assert _assert_exact(tenant.org, f, now) > 10


def test_percentiles_stay_exact_when_the_hash_tables_spill_to_disk(tenant, data, monkeypatch):
    now, _rows = data
    # The least memory there is: the hash aggregates write groups to disk and read them back.
    monkeypatch.setitem(grouped.SETTINGS, "work_mem", "64kB")
    monkeypatch.setitem(grouped.SETTINGS, "hash_mem_multiplier", "1")
    f = DashboardFilters(*preset_period(52, now), preset="52")
    assert _assert_exact(tenant.org, f, now) > 20
    with connection.cursor() as cursor:
        _set(cursor)
        cursor.execute(
            f"EXPLAIN (ANALYZE) {grouped.dashboard_sql(f)[0]}",
            grouped._params(tenant.org, f, now, "default"),
        )
        assert "Disk Usage" in "\n".join(row[0] for row in cursor.fetchall())


def _set(cursor) -> None:
    for name, value in grouped.SETTINGS.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


@pytest.mark.parametrize("filtered", ["none", "team", "property"])
def test_every_kind_aggregates_by_hashing_only(tenant, data, filtered):
    """A sort-based aggregate would reorder the rows by group, and the arrays of durations
    would no longer be sorted: the only sorts are the ones by duration."""
    now, rows = data
    f = DashboardFilters(
        *preset_period(52, now),
        team=rows["teams"][0] if filtered == "team" else None,
        property=rows["estate"] if filtered == "property" else None,
    )
    params = grouped._params(tenant.org, f, now, "default")
    with connection.cursor() as cursor:
        _set(cursor)
        cursor.execute(f"EXPLAIN (FORMAT JSON) {grouped.dashboard_sql(f)[0]}", params)
        plan = cursor.fetchone()[0]
    nodes = list(_nodes((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]))
    aggregates = [n for n in nodes if n["Node Type"] == "Aggregate"]
    weekly = [kind for kind in grouped.KINDS.values() if kind.week_column]
    assert len(aggregates) == 2 * len(grouped.KINDS) + len(weekly)  # sets, teams, weeks
    assert all(n["Strategy"] in {"Hashed", "Mixed"} for n in aggregates)
    for node in aggregates:  # Mixed: hashed sets, and the whole read in order
        sorted_sets = [s for s in node.get("Grouping Sets", []) if "Group Keys" in s]
        assert all(s["Group Keys"] == [[]] for s in sorted_sets)
    # Two sorts per kind with durations, both by duration: as its rows are read, and its team
    # breakdown's joined rows; no other.
    sorts = [n["Sort Key"] for n in nodes if n["Node Type"] == "Sort"]
    assert len(sorts) == 2 * len([kind for kind in grouped.KINDS.values() if kind.duration])
    for (key,) in sorts:
        assert key.startswith("(date_part('epoch'") or key.endswith(".d"), key
    assert not [n for n in nodes if n["Node Type"].startswith("Gather")]
