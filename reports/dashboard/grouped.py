"""The dashboard's figures on PostgreSQL: four scans, each answered from its own covering index
(cases/migrations/0014_dashboard.py), with GROUPING SETS computing every breakdown of one kind
in that one scan.

A figure counts a case for one of four reasons, and each reason reads its own index:

- *open now* (open, overdue, past service-level due): the partial index on open cases;
- *created in the period* (created, and the weekly series): (organization, created_at);
- *resolved in the period* (closed, resolution times and target): (organization, resolved_at);
- *first answered in the period* (first-response times and target):
  (organization, first_response_at).

The indexes include the grouping columns, so with the visibility map set (autovacuum) each
scan is an index-only range scan over the period instead of a scan of every case. The rows are
read once per kind (a materialized CTE) and aggregated three ways in the same statement: the
grouping sets, the team breakdown through the case-team link table (a case with several teams
counts under each) and the weekly counts. Names of the groups come from one more query.

Durations are compared in seconds (float), the same arithmetic as the Python fallback.
"""

from __future__ import annotations

import datetime as dt
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

OPEN_SQL = ", ".join(f"'{status}'" for status in Case.OPEN_STATUSES)
# Grouping column -> breakdown key; the order is GROUPING()'s bit order.
COLUMNS = (("c.source", "channel"), ("c.category_id", "category"), ("c.assignee_id", "assignee"))
COLUMNS += (("c.supplier_id", "supplier"),)
WORK_MEM = "64MB"
WEEK = "week"
TEAM, WEEKLY = -1, -2  # the g of the team's and the weekly series' rows
TOTAL = "total"


def _where(f: DashboardFilters) -> str:
    """The organization and the team and property filters (every figure)."""
    sql = "c.organization_id = %(org)s"
    if f.team is not None:
        sql += (
            f" AND c.id IN (SELECT l.case_id FROM {CaseTeam._meta.db_table} l"
            " WHERE l.organization_id = %(org)s AND l.team_id = %(team)s)"
        )
    if f.property is not None:
        table = Property._meta.db_table
        sql += (
            f" AND c.property_id IN (SELECT p.id FROM {table} p WHERE p.organization_id = %(org)s"
            " AND (p.id = %(prop)s OR p.parent_id = %(prop)s OR p.parent_id IN"
            f" (SELECT q.id FROM {table} q WHERE q.organization_id = %(org)s"
            " AND q.parent_id = %(prop)s)))"
        )
    return sql


def _in_period(column: str) -> str:
    return f"c.{column} >= %(start)s AND c.{column} < %(end)s"


def _seconds(end: str, start: str) -> str:
    return f"date_part('epoch', c.{end} - c.{start})"


def _percentiles(end: str, start: str) -> str:
    return f"percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY {_seconds(end, start)})"


# Kind -> (the rows it reads, its aggregates, whether it has a weekly series on this column).
KINDS: dict[str, tuple[str, dict[str, str], str | None]] = {
    "open": (
        f"c.status IN ({OPEN_SQL})",
        {
            "open": "count(*)",
            "overdue": "count(*) FILTER (WHERE c.deadline < %(today)s)",
            "sla_late": "count(*) FILTER (WHERE c.sla_next_due <= %(now)s)",
        },
        None,
    ),
    "created": (_in_period("created_at"), {"created": "count(*)"}, "created_at"),
    "resolved": (
        _in_period("resolved_at"),
        {
            "closed": "count(*)",
            "resolution": _percentiles("resolved_at", "created_at"),
            "res_targets": "count(*) FILTER (WHERE c.resolution_due IS NOT NULL)",
            "res_met": "count(*) FILTER (WHERE c.resolved_at <= c.resolution_due)",
        },
        "resolved_at",
    ),
    "answered": (
        _in_period("first_response_at"),
        {
            "first_response": _percentiles("first_response_at", "created_at"),
            "fr_targets": "count(*) FILTER (WHERE c.first_response_due IS NOT NULL)",
            "fr_met": "count(*) FILTER (WHERE c.first_response_at <= c.first_response_due)",
        },
        None,
    ),
}


# What each kind's rows carry besides the grouping and link columns (its index includes them).
READS = {
    "open": ("deadline", "sla_next_due"),
    "created": ("created_at",),
    "resolved": ("created_at", "resolved_at", "resolution_due"),
    "answered": ("created_at", "first_response_at", "first_response_due"),
}


def kind_sql(kind: str, f: DashboardFilters) -> tuple[str, list[str]]:
    """One statement for one kind: its rows read once (a materialized CTE over its index),
    every breakdown but the team's (and the whole) as grouping sets of those rows, the team's
    through the link table, and the weekly counts."""
    rows, aggs, week_column = KINDS[kind]
    read = ", ".join(
        f"c.{column}"
        for column in ("id", "organization_id", "source", "category_id", "assignee_id")
        + ("supplier_id", *READS[kind])
    )
    agg_sql = ", ".join(f"{expr} AS {name}" for name, expr in aggs.items())
    columns = ", ".join(column for column, _key in COLUMNS)
    sets = ", ".join(f"({column})" for column, _key in COLUMNS)
    sql = (
        f"WITH c AS MATERIALIZED (SELECT {read} FROM {Case._meta.db_table} c"
        f" WHERE {_where(f)} AND {rows})"
        # GROUPING(): a bit per column, set when it is not in the row's set.
        f" SELECT GROUPING({columns}) AS g, {columns}, NULL::date AS week,"
        f" NULL::bigint AS team_id, {agg_sql} FROM c GROUP BY GROUPING SETS ({sets}, ())"
        " UNION ALL"
        f" SELECT {TEAM}, NULL, NULL, NULL, NULL, NULL, l.team_id, {agg_sql}"
        f" FROM c LEFT JOIN {CaseTeam._meta.db_table} l"
        " ON l.case_id = c.id AND l.organization_id = c.organization_id GROUP BY l.team_id"
    )
    if week_column:
        # The weekly series counts only (its first figure): no durations sorted per week.
        week = f"date_trunc('week', c.{week_column} AT TIME ZONE %(tz)s)::date"
        nulls = "".join(
            ", NULL::float8[]" if "percentile" in expr else ", NULL::bigint"
            for expr in list(aggs.values())[1:]
        )
        sql += (
            f" UNION ALL SELECT {WEEKLY}, NULL, NULL, NULL, NULL, {week}, NULL, count(*){nulls}"
            f" FROM c GROUP BY {week}"
        )
    return sql, list(aggs)


def _set_of(g: int) -> str:
    """The breakdown a row answers: GROUPING()'s bits, or the team or weekly branch."""
    if g == TEAM:
        return "team"
    if g == WEEKLY:
        return WEEK
    present = [i for i in range(len(COLUMNS)) if not g & (1 << (len(COLUMNS) - 1 - i))]
    return COLUMNS[present[0]][1] if present else TOTAL


def _seconds_to_deltas(values: list[float | None] | None) -> list[dt.timedelta | None]:
    if values is None:
        return [None, None]
    return [None if v is None else dt.timedelta(seconds=v) for v in values]


def grouped_rows(
    org: Organization, f: DashboardFilters, now: dt.datetime
) -> tuple[dict[str, dict[Any, dict[str, Any]]], dict[str, dict[dt.date, int]]]:
    """Every kind's figures: {breakdown or "total": {group key: {figure: value}}} and the
    weekly counts {"created"/"closed": {Monday: count}}."""
    params = {
        "org": org.pk,
        "team": getattr(f.team, "pk", None),
        "prop": getattr(f.property, "pk", None),
        "start": f.start,
        "end": f.end,
        "now": now,
        "today": timezone.localdate(now),
        "tz": timezone.get_current_timezone_name(),
    }
    groups: dict[str, dict[Any, dict[str, Any]]] = {}
    weekly: dict[str, dict[dt.date, int]] = {"created": {}, "closed": {}}
    # Where reads go (the replica under `replica_view`, config/db_router.py), asked before this
    # transaction opens: a transaction on the primary would keep the reads there.
    alias = read_alias()
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        # The percentiles sort each group's durations: in memory rather than in temporary
        # files (the default 4 MB spills at a year of 200,000 cases). For this transaction only.
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        for kind in KINDS:
            sql, names = kind_sql(kind, f)
            cursor.execute(sql, params)
            for g, source, category, assignee, supplier, week, team, *values in cursor.fetchall():
                target = _set_of(g)
                figures = dict(zip(names, values, strict=True))
                for name in ("first_response", "resolution"):
                    if name in figures:
                        figures[name] = _seconds_to_deltas(figures[name])
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
