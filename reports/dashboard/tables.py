"""The dashboard's figures as tables: one header and rows of plain values per report. The page
shows these tables under its charts and the downloads write the same ones, so a download holds
exactly the figures shown (hours to one decimal, shares in per cent to one decimal)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import numberformat
from django.utils.formats import date_format, get_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from cases.models import Case
from reports.dashboard.queries import Dashboard, Figures

REPORTS = {
    "weekly": gettext_lazy("Created and closed per week"),
    "summary": gettext_lazy("Summary"),
    "channel": gettext_lazy("By channel"),
    "category": gettext_lazy("By category"),
    "team": gettext_lazy("By team"),
    "assignee": gettext_lazy("By assignee"),
    "supplier": gettext_lazy("By supplier"),
}
DIMENSION_REPORTS = ("channel", "category", "team", "assignee", "supplier")
NO_GROUP = {
    "channel": gettext_lazy("No channel"),
    "category": gettext_lazy("No category"),
    "team": gettext_lazy("No team"),
    "assignee": gettext_lazy("Unassigned"),
    "supplier": gettext_lazy("No supplier"),
}
GROUP_HEADER = {
    "channel": gettext_lazy("Channel"),
    "category": gettext_lazy("Category"),
    "team": gettext_lazy("Team"),
    "assignee": gettext_lazy("Assignee"),
    "supplier": gettext_lazy("Supplier"),
}


@dataclass
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list[object]]

    @property
    def html_rows(self) -> str:
        """The body's rows as HTML, formatted for the current language (built here: a template
        resolving every cell cost more than the rest of the page)."""
        out = []
        numbers = NumberFormat()
        for row in self.rows:
            first, *rest = (escape(display(value, numbers)) for value in row)
            cells = "".join(f'<td class="num">{cell}</td>' for cell in rest)
            out.append(f'<tr><th scope="row">{first}</th>{cells}</tr>')
        return mark_safe("".join(out))  # noqa: S308 (every cell is escaped)


class NumberFormat:
    """`django.utils.formats.number_format` for the current language, its separators looked
    up once (a table has thousands of cells, and the look-ups cost more than the formatting)."""

    def __init__(self) -> None:
        language = get_language()
        self.decimal = get_format("DECIMAL_SEPARATOR", language, use_l10n=True)
        self.grouping = get_format("NUMBER_GROUPING", language, use_l10n=True)
        self.thousands = get_format("THOUSAND_SEPARATOR", language, use_l10n=True)

    def __call__(self, value: int | float) -> str:
        return numberformat.format(
            value, self.decimal, None, self.grouping, self.thousands, use_l10n=True
        )


def display(value: object, numbers: NumberFormat | None = None) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, int | float):
        return (numbers or NumberFormat())(value)
    return str(value)


def hours(value: dt.timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 1)


def share(met: int, of: int) -> float | None:
    return None if not of else round(100 * met / of, 1)


def figure_header() -> list[str]:
    return [
        _("Open now"),
        _("Overdue"),
        _("Past service-level due"),
        _("Created"),
        _("Closed"),
        _("First response, median (h)"),
        _("First response, 90th percentile (h)"),
        _("Resolution, median (h)"),
        _("Resolution, 90th percentile (h)"),
        _("Met first-response target (%)"),
        _("Met resolution target (%)"),
    ]


def figure_cells(row: Figures) -> list[object]:
    return [
        row.open,
        row.overdue,
        row.sla_late,
        row.created,
        row.closed,
        hours(row.first_response[0]),
        hours(row.first_response[1]),
        hours(row.resolution[0]),
        hours(row.resolution[1]),
        share(row.fr_met, row.fr_targets),
        share(row.res_met, row.res_targets),
    ]


def group_label(key: str, row: Figures) -> str:
    if row.key is None:
        return str(NO_GROUP[key])
    if key == "channel":
        return str(Case.Source(row.key).label) if row.key in Case.Source.values else row.key
    return row.name or str(row.key)


def report_table(dashboard: Dashboard, key: str) -> Table:
    """One report of the dashboard as a table (`key` from REPORTS)."""
    title = str(REPORTS[key])
    if key == "weekly":
        header = [_("Week"), _("Week starts"), _("Created"), _("Closed")]
        rows: list[list[object]] = [
            [w.label, w.start, w.created, w.closed] for w in dashboard.weeks
        ]
        return Table(key, title, header, rows)
    if key == "summary":
        return Table(key, title, figure_header(), [figure_cells(dashboard.total)])
    header = [str(GROUP_HEADER[key]), *figure_header()]
    rows = [[group_label(key, r), *figure_cells(r)] for r in dashboard.breakdowns[key]]
    return Table(key, title, header, rows)
