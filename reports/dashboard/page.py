"""The dashboard's sections: for each report its charts and the table drawn under them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from reports.charts import Chart, bar_chart, column_chart, fmt
from reports.dashboard.queries import Dashboard
from reports.dashboard.tables import DIMENSION_REPORTS, Table, group_label, hours, report_table

# Charts show the largest groups; the table under them has every one.
CHART_GROUPS = 12


@dataclass
class Section:
    key: str
    title: str
    table: Table
    charts: list[Chart] = field(default_factory=list)
    note: str = ""


def _weekly(dashboard: Dashboard) -> Section:
    table = report_table(dashboard, "weekly")
    weeks = dashboard.weeks
    created = sum(w.created for w in weeks)
    closed = sum(w.closed for w in weeks)
    description = _("%(created)s cases created and %(closed)s closed in %(weeks)s weeks.") % {
        "created": fmt(created),
        "closed": fmt(closed),
        "weeks": len(weeks),
    }
    if created:
        top = max(weeks, key=lambda w: w.created)
        description += " " + _("Most created in week %(week)s: %(count)s.") % {
            "week": top.label,
            "count": fmt(top.created),
        }
    chart = column_chart(
        id="chart-weekly",
        title=table.title,
        description=description,
        categories=[w.label for w in weeks],
        series=[
            (_("Created"), [w.created for w in weeks]),
            (_("Closed"), [w.closed for w in weeks]),
        ],
    )
    return Section("weekly", table.title, table, [chart])


def _breakdown(dashboard: Dashboard, key: str) -> Section:
    table = report_table(dashboard, key)
    rows = dashboard.breakdowns[key][:CHART_GROUPS]
    names = [group_label(key, r) for r in rows]
    note = ""
    if len(dashboard.breakdowns[key]) > CHART_GROUPS:
        note = _(
            "The charts show the %(count)s groups with the most open cases; the table has all."
        ) % {"count": CHART_GROUPS}
    if rows:
        largest = rows[0]
        volume_text = _(
            "Open now, created and closed per group. Most open: %(name)s (%(count)s)."
        ) % {
            "name": names[0],
            "count": fmt(largest.open),
        }
    else:
        volume_text = _("No cases in the period.")
    volume = bar_chart(
        id=f"chart-{key}-volume",
        title=_("%(report)s: cases") % {"report": table.title},
        description=volume_text,
        categories=names,
        series=[
            (_("Open now"), [r.open for r in rows]),
            (_("Created"), [r.created for r in rows]),
            (_("Closed"), [r.closed for r in rows]),
        ],
    )
    times = bar_chart(
        id=f"chart-{key}-times",
        title=_("%(report)s: response and resolution times") % {"report": table.title},
        description=_(
            "Median and 90th percentile of the first-response and resolution times in hours"
            " per group; the table below gives every value."
        ),
        categories=names,
        series=[
            (_("First response, median"), [hours(r.first_response[0]) for r in rows]),
            (_("First response, 90th percentile"), [hours(r.first_response[1]) for r in rows]),
            (_("Resolution, median"), [hours(r.resolution[0]) for r in rows]),
            (_("Resolution, 90th percentile"), [hours(r.resolution[1]) for r in rows]),
        ],
        unit=_("h"),
    )
    return Section(key, table.title, table, [volume, times], note)


def dashboard_sections(dashboard: Dashboard) -> list[Section]:
    return [_weekly(dashboard), *[_breakdown(dashboard, key) for key in DIMENSION_REPORTS]]
