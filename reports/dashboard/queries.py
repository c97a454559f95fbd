"""The dashboard's figures: on PostgreSQL four index scans with GROUPING SETS (grouped.py);
elsewhere the portable way, one GROUP BY per breakdown (channel, category, team, assignee,
supplier), one for the whole, one per weekly series, durations measured in Python. Both give
the same figures (tests/reports/test_dashboard_figures.py).

What the figures mean (the page says so too):

- *Open now*: cases in an open status (new, in progress, waiting) now, whatever the period.
- *Overdue*: open cases whose deadline was before today (as the case list's "Only overdue");
  *past service-level due*: open cases whose next service-level due time has passed.
- *Created* / *closed* in the period: created, or resolved or closed (`resolved_at`, which
  closing sets too), within the period.
- *First response time*: from creation to the first message to the customer
  (`first_response_at`), for cases first answered within the period; *resolution time*: from
  creation to resolution, for cases resolved within the period. Wall-clock time, median and
  90th percentile.
- *Met first-response / resolution target*: of the cases first answered / resolved within the
  period that had a service-level target, how many were in time (at or before the due time).

Only rows that can count are read: open now, or created, first answered or resolved within the
period. Team and property filters apply to every figure; a case with several teams counts once
under each.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from cases.models import Case, CaseTeam
from cases.selectors.lists import property_and_descendants
from organizations.models import Organization
from reports.dashboard.filters import DashboardFilters, week_start
from reports.dashboard.percentiles import duration_percentiles

OPEN = list(Case.OPEN_STATUSES)

# Breakdown key -> the fields it groups by (id first, then what names the group).
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "channel": ("source",),
    "category": ("category", "category__name"),
    "team": ("teams", "teams__name"),
    "assignee": ("assignee", "assignee__full_name", "assignee__email"),
    "supplier": ("supplier", "supplier__name"),
}


@dataclass
class Figures:
    """One row of a breakdown (or the whole): counts, and durations as timedeltas."""

    key: Any = None
    name: str = ""
    open: int = 0
    overdue: int = 0
    sla_late: int = 0
    created: int = 0
    closed: int = 0
    first_response: list[dt.timedelta | None] = field(default_factory=lambda: [None, None])
    resolution: list[dt.timedelta | None] = field(default_factory=lambda: [None, None])
    fr_targets: int = 0
    fr_met: int = 0
    res_targets: int = 0
    res_met: int = 0


@dataclass
class Week:
    start: dt.date  # the Monday
    created: int = 0
    closed: int = 0

    @property
    def label(self) -> str:
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass
class Dashboard:
    computed_at: dt.datetime
    start: dt.datetime
    end: dt.datetime
    total: Figures
    weeks: list[Week]
    breakdowns: dict[str, list[Figures]]


def filtered_cases(org: Organization, f: DashboardFilters) -> QuerySet[Case]:
    qs = Case.objects.filter(organization=org)
    if f.team is not None:
        qs = qs.filter(
            id__in=CaseTeam.objects.filter(organization=org, team=f.team).values("case_id")
        )
    if f.property is not None:
        qs = qs.filter(property_id__in=property_and_descendants(org, f.property))
    return qs


def _in_period(name: str, f: DashboardFilters) -> Q:
    return Q(**{f"{name}__gte": f.start, f"{name}__lt": f.end})


def _relevant(org: Organization, f: DashboardFilters) -> QuerySet[Case]:
    """The rows any figure can count (see the module's docstring)."""
    return filtered_cases(org, f).filter(
        Q(status__in=OPEN)
        | _in_period("created_at", f)
        | _in_period("first_response_at", f)
        | _in_period("resolved_at", f)
    )


def _aggregates(f: DashboardFilters, now: dt.datetime) -> dict[str, Any]:
    is_open = Q(status__in=OPEN)
    answered = _in_period("first_response_at", f)
    resolved = _in_period("resolved_at", f)
    aggs: dict[str, Any] = {
        "open": Count("id", filter=is_open),
        "overdue": Count("id", filter=is_open & Q(deadline__lt=timezone.localdate(now))),
        "sla_late": Count("id", filter=is_open & Q(sla_next_due__lte=now)),
        "created": Count("id", filter=_in_period("created_at", f)),
        "closed": Count("id", filter=resolved),
        "fr_targets": Count("id", filter=answered & Q(first_response_due__isnull=False)),
        "fr_met": Count("id", filter=answered & Q(first_response_at__lte=F("first_response_due"))),
        "res_targets": Count("id", filter=resolved & Q(resolution_due__isnull=False)),
        "res_met": Count("id", filter=resolved & Q(resolved_at__lte=F("resolution_due"))),
    }
    return aggs


def _python_percentiles(
    rows: QuerySet[Case], group: tuple[str, ...], f: DashboardFilters
) -> dict[Any, tuple[list, list]]:
    """The fallback's durations per group key: one more query, the rows' three moments."""
    answered: dict[Any, list[dt.timedelta]] = defaultdict(list)
    resolved: dict[Any, list[dt.timedelta]] = defaultdict(list)
    key_field = group[0] if group else None
    fields = ([key_field] if key_field else []) + ["created_at", "first_response_at", "resolved_at"]
    for values in rows.values_list(*fields).order_by():
        key = values[0] if key_field else None
        created, first, done = values[-3:]
        if first is not None and f.start <= first < f.end:
            answered[key].append(first - created)
        if done is not None and f.start <= done < f.end:
            resolved[key].append(done - created)
    keys = set(answered) | set(resolved)
    return {
        k: (duration_percentiles(answered.get(k, [])), duration_percentiles(resolved.get(k, [])))
        for k in keys
    }


def _figures(values: dict[str, Any], group: tuple[str, ...]) -> Figures:
    row = Figures(**{k: values[k] for k in Figures.__dataclass_fields__ if k in values})
    if group:
        row.key = values[group[0]]
        names = [values[name] for name in group[1:] if values.get(name)]
        row.name = names[0] if names else ""
    for name in ("first_response", "resolution"):
        if values.get(name) is None:
            setattr(row, name, [None, None])
    return row


def _sort_key(row: Figures) -> tuple:
    return (row.key is None, -row.open, -row.created, str(row.name or row.key or "").lower())


def breakdown(
    org: Organization, f: DashboardFilters, now: dt.datetime, group: tuple[str, ...]
) -> list[Figures]:
    """The portable way: one GROUP BY over the relevant rows (`group` empty: the whole, one
    row) and one more query for the durations, measured in Python."""
    rows = _relevant(org, f)
    aggs = _aggregates(f, now)
    if group:
        result = [_figures(v, group) for v in rows.values(*group).annotate(**aggs).order_by()]
    else:
        result = [_figures(rows.aggregate(**aggs), group)]
    durations = _python_percentiles(rows, group, f)
    for row in result:
        row.first_response, row.resolution = durations.get(row.key, ([None, None], [None, None]))
    if group:
        result.sort(key=_sort_key)
    return result


def weekly(org: Organization, f: DashboardFilters) -> list[Week]:
    """Created and closed per ISO week of the period (two GROUP BYs), every week present."""
    tz = timezone.get_current_timezone()
    weeks = _weeks(f)
    cases = filtered_cases(org, f)
    for name, attr in (("created_at", "created"), ("resolved_at", "closed")):
        counted = (
            cases.filter(_in_period(name, f))
            .annotate(week=TruncWeek(name, tzinfo=tz))
            .values("week")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in counted:
            start = row["week"]
            start = (
                timezone.localtime(start, tz).date() if isinstance(start, dt.datetime) else start
            )
            if start in weeks:
                setattr(weeks[start], attr, row["n"])
    return list(weeks.values())


def _weeks(f: DashboardFilters) -> dict[dt.date, Week]:
    """Every ISO week the period touches, by its Monday."""
    weeks: dict[dt.date, Week] = {}
    day = week_start(timezone.localtime(f.start).date())
    last = timezone.localtime(f.end - dt.timedelta(microseconds=1)).date()
    while day <= last:
        weeks[day] = Week(day)
        day += dt.timedelta(weeks=1)
    return weeks


def _grouped_dashboard(org: Organization, f: DashboardFilters, now: dt.datetime) -> Dashboard:
    """PostgreSQL: four index scans, each aggregated by hashing with GROUPING SETS, and one
    query for the names (reports/dashboard/grouped.py)."""
    from reports.dashboard.grouped import TOTAL, group_names, grouped_rows

    groups, counts = grouped_rows(org, f, now)
    names = group_names(groups)
    weeks = _weeks(f)
    for attr, per_week in counts.items():
        for start, n in per_week.items():
            if start in weeks:
                setattr(weeks[start], attr, n)
    breakdowns = {}
    for key in DIMENSIONS:
        rows = [
            Figures(key=k, name=names.get(key, {}).get(k, ""), **values)
            for k, values in groups.get(key, {}).items()
        ]
        breakdowns[key] = sorted(rows, key=_sort_key)
    total = Figures(**groups.get(TOTAL, {}).get(None, {}))
    return Dashboard(now, f.start, f.end, total, list(weeks.values()), breakdowns)


def dashboard_figures(
    org: Organization,
    f: DashboardFilters,
    now: dt.datetime | None = None,
    in_sql: bool | None = None,
) -> Dashboard:
    """Every figure of the dashboard for `org` and the filters. `in_sql`: in the database with
    GROUPING SETS and hash aggregation (PostgreSQL's default: the statement's settings, one
    statement per kind, the names; the property's ids first when filtered by one), or the
    portable way (8 GROUP BYs, one more query per breakdown for the durations, percentiles in
    Python: the embedded SQLite demo). Both give the same figures, exactly."""
    now = now or timezone.now()
    if in_sql is None:
        in_sql = connection.vendor == "postgresql"
    if in_sql:
        return _grouped_dashboard(org, f, now)
    return Dashboard(
        computed_at=now,
        start=f.start,
        end=f.end,
        total=breakdown(org, f, now, ())[0],
        weeks=weekly(org, f),
        breakdowns={key: breakdown(org, f, now, group) for key, group in DIMENSIONS.items()},
    )
