"""The dashboard's figures on PostgreSQL: one statement, a part per kind of figure, each
reading its rows once and aggregating them by hashing only.

A figure counts a case for one of four reasons, and each reason reads its own covering index
(cases/migrations/0014_dashboard.py):

- *open now* (open, overdue, past service-level due): the partial index on open cases;
- *created in the period* (created, and the weekly series): (organization, created_at);
- *resolved in the period* (closed, resolution times and target): (organization, resolved_at);
- *first answered in the period* (first-response times and target):
  (organization, first_response_at).

The indexes include the grouping columns, so with the visibility map set (autovacuum) each
scan is an index-only range scan over the period instead of a scan of every case. A view
filtered by a team or a property reads instead the few cases that can count once (through the
team's links or the property index, `_filtered_cases`) and each kind takes its rows from
those. Each kind's rows go into a materialized CTE, narrowed to what the figures need, and are
aggregated three ways: every breakdown but the team's (and the whole) as grouping sets, the
team breakdown through the case-team link table (a case with several teams counts under each)
and the weekly counts.

**Exact percentiles without a sort per group.** `percentile_cont` sorts each group's durations
and forces sort-based grouping, so every grouping set sorted all of the kind's rows again.
Here the kind's rows are sorted by duration once, as the CTE is materialized (`ORDER BY d`),
and each group collects its durations with `array_agg(d)` in a hash aggregate, which feeds
rows to a group in the order it reads them (also when it spills groups to disk and reads them
back), so every group's array comes out sorted; the median and the 90th percentile are read
from the array by `percentile_cont`'s own definition (`_percentile_sql`: the value at rank
fraction × (n − 1), interpolated linearly between the two nearest ranks): the same figures,
exactly. That rests on the aggregation being hashed (a sort-based one reorders the rows by
group), so the statements run with `enable_sort` off (the planner then hashes every grouping
here, all of whose keys can be hashed), and the team branch, whose join may return rows in
any order, sorts the joined rows by duration itself. tests/reports/test_dashboard_sql.py
holds the plans to that, and the figures to `percentile_cont`'s to the microsecond, with
spilling hash tables too.

Durations are compared in seconds (float), the same arithmetic as the Python fallback.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.utils import timezone

from cases.models import Case, CaseTeam, Category
from config.db_router import read_alias
from customers.models import Supplier
from organizations.models import Organization, Team
from properties.models import Property
from reports.dashboard.filters import DashboardFilters
from reports.dashboard.percentiles import FRACTIONS

OPEN_SQL = ", ".join(f"'{status}'" for status in Case.OPEN_STATUSES)
# Grouping column -> breakdown key; the order is GROUPING()'s bit order.
COLUMNS = (("source", "channel"), ("category_id", "category"), ("assignee_id", "assignee"))
COLUMNS += (("supplier_id", "supplier"),)
# For this statement's transaction only: the CTEs and hash tables stay in memory at a year of
# 200,000 cases; no JIT compilation (it costs more than these statements take); no sorts where
# hashing can do (see the module's docstring); no parallel workers (their start-up costs more
# than they save on scans of this size); a team's cases read by id through its links rather
# than by scanning the table (random reads of pages in memory cost little more than
# sequential ones; the default 4 is for spinning disks).
SETTINGS = {
    "work_mem": "64MB",
    "jit": "off",
    "enable_sort": "off",
    "max_parallel_workers_per_gather": "0",
    "random_page_cost": "1.1",
}
WEEK = "week"
TEAM, WEEKLY = -1, -2  # the g of the team's and the weekly series' rows
TOTAL = "total"


@dataclass(frozen=True)
class Kind:
    """One reason a case counts: which rows, what they carry, what the figures are named."""

    rows: str  # the condition on cases_case c
    count: str  # the name of count(*)
    flags: dict[str, str] = field(default_factory=dict)  # name -> condition, counted
    duration: tuple[str, str] | None = None  # (figure, SQL in seconds) when it has percentiles
    week_column: str | None = None  # the weekly series' column, if it has one


def _in_period(column: str) -> str:
    return f"c.{column} >= %(start)s AND c.{column} < %(end)s"


def _seconds(end: str, start: str) -> str:
    return f"date_part('epoch', c.{end} - c.{start})"


KINDS: dict[str, Kind] = {
    "open": Kind(
        rows=f"c.status IN ({OPEN_SQL})",
        count="open",
        flags={"overdue": "c.deadline < %(today)s", "sla_late": "c.sla_next_due <= %(now)s"},
    ),
    "created": Kind(rows=_in_period("created_at"), count="created", week_column="created_at"),
    "resolved": Kind(
        rows=_in_period("resolved_at"),
        count="closed",
        flags={
            "res_targets": "c.resolution_due IS NOT NULL",
            "res_met": "c.resolved_at <= c.resolution_due",
        },
        duration=("resolution", _seconds("resolved_at", "created_at")),
        week_column="resolved_at",
    ),
    "answered": Kind(
        rows=_in_period("first_response_at"),
        count="answered",
        flags={
            "fr_targets": "c.first_response_due IS NOT NULL",
            "fr_met": "c.first_response_at <= c.first_response_due",
        },
        duration=("first_response", _seconds("first_response_at", "created_at")),
    ),
}


def _where(f: DashboardFilters) -> str:
    """The organization and the team and property filters (every figure). The property and
    what sits under it are given as ids (`prop_ids`, read first), so the planner knows how
    few cases they hold and reads those through the property index."""
    sql = "c.organization_id = %(org)s"
    if f.team is not None:
        sql += (
            f" AND c.id IN (SELECT l.case_id FROM {CaseTeam._meta.db_table} l"
            " WHERE l.organization_id = %(org)s AND l.team_id = %(team)s)"
        )
    if f.property is not None:
        sql += " AND c.property_id = ANY(%(prop_ids)s)"
    return sql


# What a filtered view reads of each case once (every kind's columns).
FILTERED_READS = ("id", *(column for column, _key in COLUMNS), "status", "created_at")
FILTERED_READS += ("resolved_at", "first_response_at", "deadline", "sla_next_due")
FILTERED_READS += ("resolution_due", "first_response_due")


def _filtered_cases(f: DashboardFilters) -> str:
    """A team's or a property's cases that any figure can count, read once for all four
    kinds: through the team's links or the property index, a few thousand rows, instead of
    four scans of the period's index that keep one row in ten or a hundred."""
    columns = ", ".join(f"c.{column}" for column in FILTERED_READS)
    since = " OR ".join(
        f"c.{column} >= %(start)s" for column in ("created_at", "resolved_at", "first_response_at")
    )
    return (
        f"SELECT {columns} FROM {Case._meta.db_table} c"
        f" WHERE {_where(f)} AND (c.status IN ({OPEN_SQL}) OR {since})"
    )


def _percentile_sql(fraction: float) -> str:
    """`percentile_cont(fraction)` of the sorted array `a` of `n` values: the value at rank
    fraction * (n - 1), interpolated between the two nearest ranks as PostgreSQL does
    (float8_lerp; reports/dashboard/percentiles.py is the same in Python)."""
    position = f"({fraction!r}::float8 * (n - 1))"
    low, share = f"(floor({position})::int + 1)", f"({position} - floor({position}))"
    return (
        f"CASE WHEN a IS NULL THEN NULL WHEN {share} = 0 THEN a[{low}]"
        f" ELSE a[{low}] + (a[{low} + 1] - a[{low}]) * {share} END"
    )


# The figure columns every kind's rows have (NULL where a kind has fewer): COUNTS counts (its
# rows, then its flags'), the median and the 90th percentile of its durations.
COUNTS = 1 + max(len(kind.flags) for kind in KINDS.values())
FIGURE_COLUMNS = COUNTS + len(FRACTIONS)


def kind_sql(kind: str, f: DashboardFilters) -> tuple[str, str, list[str]]:
    """One kind's part of the statement: its CTE (`c_<kind>`: its rows, read once, sorted by
    duration when it has one) and its SELECT: every breakdown but the team's (and the whole)
    as grouping sets of those rows, the team's through the link table, and the weekly counts.
    Each row has the columns kind, g, source, category, assignee, supplier, week, team, then
    FIGURE_COLUMNS figures, the first ones named in the returned list."""
    spec = KINDS[kind]
    cte = f"c_{kind}"
    group_columns = ", ".join(column for column, _key in COLUMNS)
    nulls = ", ".join("NULL" for _ in COLUMNS)
    read = ["c.id", *(f"c.{column}" for column, _key in COLUMNS)]
    read += [f"({condition}) AS {name}" for name, condition in spec.flags.items()]
    if spec.duration:
        read.append(f"{spec.duration[1]} AS d")
    if spec.week_column:
        read.append(f"date_trunc('week', c.{spec.week_column} AT TIME ZONE %(tz)s)::date AS w")
    if f.team is None and f.property is None:
        rows = f"{Case._meta.db_table} c WHERE {_where(f)} AND {spec.rows}"
    else:
        rows = f"filtered c WHERE {spec.rows}"
    rows = f"SELECT {', '.join(read)} FROM {rows}"
    if spec.duration:
        rows += " ORDER BY d"  # so each group's array_agg(d) is sorted (module docstring)

    def aggregates(source: str) -> str:
        out = ["count(*) AS n"]
        out += [f"count(*) FILTER (WHERE {source}.{name}) AS {name}" for name in spec.flags]
        if spec.duration:
            out.append(f"array_agg({source}.d) AS a")
        return ", ".join(out)

    # GROUPING(): a bit per column, set when it is not in the row's set.
    branches = [
        f"SELECT GROUPING({group_columns}) AS g, {group_columns}, NULL::date AS w,"
        f" NULL::bigint AS team_id, {aggregates('c')} FROM {cte} c"
        f" GROUP BY GROUPING SETS ({', '.join(f'({column})' for column, _ in COLUMNS)}, ())"
    ]
    # A case with several teams counts under each, one with none under no team (NULL).
    carried = "".join(f", c.{name}" for name in spec.flags) + (", c.d" if spec.duration else "")
    links = f"SELECT l.case_id, l.team_id FROM {CaseTeam._meta.db_table} l"
    links += " WHERE l.organization_id = %(org)s"
    if f.team is None and f.property is None:
        # Most of the organization's cases: the organization's links hashed.
        team_rows = f"SELECT l.team_id{carried} FROM {cte} c LEFT JOIN ({links}) l"
        team_rows += " ON l.case_id = c.id"
    else:
        # A team's or a property's cases: each case's links from the index (the planner's
        # estimate of a filtered CTE is often too high, and it hashed every link instead).
        team_rows = (
            f"SELECT l.team_id{carried} FROM {cte} c LEFT JOIN LATERAL"
            f" ({links} AND l.case_id = c.id OFFSET 0) l ON true"
        )
    if spec.duration:
        team_rows += " ORDER BY c.d"  # the join may return the rows in any order
    branches.append(
        f"SELECT {TEAM}, {nulls}, NULL, t.team_id, {aggregates('t')}"
        f" FROM ({team_rows}) t GROUP BY t.team_id"
    )
    if spec.week_column:
        # The weekly series counts only (its first figure).
        rest = "".join(", NULL::bigint" for _ in spec.flags)
        rest += ", NULL::float8[]" if spec.duration else ""
        branches.append(
            f"SELECT {WEEKLY}, {nulls}, c.w, NULL, count(*){rest} FROM {cte} c GROUP BY c.w"
        )
    names = [spec.count, *spec.flags]
    figures = ["n::bigint", *(f"{name}::bigint" for name in spec.flags)]
    figures += ["NULL::bigint"] * (COUNTS - len(figures))
    if spec.duration:
        figures += [_percentile_sql(p) for p in FRACTIONS]
        names += [f"{spec.duration[0]}:{p}" for p in FRACTIONS]
    else:
        figures += ["NULL::float8"] * len(FRACTIONS)
    select = (
        f"SELECT {list(KINDS).index(kind)} AS kind, g, {group_columns}, w, team_id,"
        f" {', '.join(figures)} FROM ({' UNION ALL '.join(branches)}) x"
    )
    return f"{cte} AS MATERIALIZED ({rows})", select, names


def dashboard_sql(f: DashboardFilters) -> tuple[str, dict[str, list[str]]]:
    """The one statement of every kind's figures (`kind_sql`), and each kind's figure names.
    Each kind's CTE is planned on its own; a filtered view's kinds read `_filtered_cases`."""
    ctes, selects, names = [], [], {}
    if f.team is not None or f.property is not None:
        ctes.append(f"filtered AS MATERIALIZED ({_filtered_cases(f)})")
    for kind in KINDS:
        cte, select, names[kind] = kind_sql(kind, f)
        ctes.append(cte)
        selects.append(f"({select})")
    return f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)}", names


def _set_of(g: int) -> str:
    """The breakdown a row answers: GROUPING()'s bits, or the team or weekly branch."""
    if g == TEAM:
        return "team"
    if g == WEEKLY:
        return WEEK
    present = [i for i in range(len(COLUMNS)) if not g & (1 << (len(COLUMNS) - 1 - i))]
    return COLUMNS[present[0]][1] if present else TOTAL


def _figures(names: list[str], values: list[Any]) -> dict[str, Any]:
    """The row's figures by name, the percentiles as [median, 90th] timedeltas."""
    figures: dict[str, Any] = {}
    counts = [name for name in names if ":" not in name]
    values = values[: len(counts)] + values[COUNTS : COUNTS + len(names) - len(counts)]
    for name, value in zip(names, values, strict=True):
        if ":" in name:
            seconds = None if value is None else dt.timedelta(seconds=value)
            figures.setdefault(name.split(":")[0], []).append(seconds)
        else:
            figures[name] = value
    return figures


def _params(org: Organization, f: DashboardFilters, now: dt.datetime, alias: str) -> dict[str, Any]:
    params = {
        "org": org.pk,
        "team": getattr(f.team, "pk", None),
        "prop_ids": None,
        "start": f.start,
        "end": f.end,
        "now": now,
        "today": timezone.localdate(now),
        "tz": timezone.get_current_timezone_name(),
    }
    if f.property is not None:
        params["prop_ids"] = _property_ids(org, f.property, alias)
    return params


def _property_ids(org: Organization, prop: Property, alias: str) -> list[int]:
    """`prop` and what sits under it (estate > building > unit), as
    cases.selectors.lists.property_and_descendants, each level read through the parent
    index (that selector's OR over a join scans every property)."""
    table = Property._meta.db_table
    children = f"SELECT id FROM {table} WHERE organization_id = %s AND parent_id = %s"
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"{children} UNION ALL SELECT id FROM {table} WHERE organization_id = %s"
            f" AND parent_id IN ({children})",
            [org.pk, prop.pk, org.pk, org.pk, prop.pk],
        )
        return [prop.pk, *(pk for (pk,) in cursor.fetchall())]


def grouped_rows(
    org: Organization, f: DashboardFilters, now: dt.datetime
) -> tuple[dict[str, dict[Any, dict[str, Any]]], dict[str, dict[dt.date, int]]]:
    """Every kind's figures: {breakdown or "total": {group key: {figure: value}}} and the
    weekly counts {"created"/"closed": {Monday: count}}."""
    groups: dict[str, dict[Any, dict[str, Any]]] = {}
    weekly: dict[str, dict[dt.date, int]] = {"created": {}, "closed": {}}
    # Where reads go (the replica under `replica_view`, config/db_router.py), asked before this
    # transaction opens: a transaction on the primary would keep the reads there.
    alias = read_alias()
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        params = _params(org, f, now, alias)
        settings = ", ".join("set_config(%s, %s, true)" for _ in SETTINGS)
        cursor.execute(f"SELECT {settings}", [v for item in SETTINGS.items() for v in item])
        sql, names = dashboard_sql(f)
        cursor.execute(sql, params)
        kinds = list(KINDS)
        for row in cursor.fetchall():
            kind, g, source, category, assignee, supplier, week, team, *values = row
            kind = kinds[kind]
            target = _set_of(g)
            if target == WEEK:
                weekly["created" if kind == "created" else "closed"][week] = values[0]
                continue
            key = {
                "channel": source,
                "category": category,
                "assignee": assignee,
                "supplier": supplier,
                "team": team,
                TOTAL: None,
            }[target]
            figures = _figures(names[kind], values)
            figures.pop("answered", None)  # counted only to find the percentiles' ranks
            groups.setdefault(target, {}).setdefault(key, {}).update(figures)
    return groups, weekly


def group_names(groups: dict[str, dict[Any, dict[str, Any]]]) -> dict[str, dict[Any, str]]:
    """The names of the groups' categories, assignees, suppliers and teams: one query."""
    user_table = get_user_model()._meta.db_table
    parts = {
        "category": f"SELECT 'category', id, name FROM {Category._meta.db_table}",
        "assignee": (
            f"SELECT 'assignee', id, COALESCE(NULLIF(full_name, ''), email) FROM {user_table}"
        ),
        "supplier": f"SELECT 'supplier', id, name FROM {Supplier._meta.db_table}",
        "team": f"SELECT 'team', id, name FROM {Team._meta.db_table}",
    }
    selects, params = [], []
    for key, select in parts.items():
        ids = [k for k in groups.get(key, {}) if k is not None]
        if ids:
            selects.append(f"{select} WHERE id = ANY(%s)")
            params.append(ids)
    names: dict[str, dict[Any, str]] = {}
    if selects:
        with connections[read_alias()].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            for key, pk, name in cursor.fetchall():
                names.setdefault(key, {})[pk] = name or ""
    return names
