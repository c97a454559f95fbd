"""Server-rendered SVG bar charts (no JavaScript, no CDN): the geometry is computed here and
`templates/reports/_chart.html` draws it.

Every chart has a title and a description for assistive technology (the page puts the data
table under it too); each bar has a <title> naming its group, series and value, which is also
the tooltip. Series are told apart by colour classes with at least 4.5:1 contrast against the
background (static/css/reports.css) and by the legend's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.formats import number_format

SERIES_CLASSES = ("series-0", "series-1", "series-2", "series-3")


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    grid: list[tuple[float, float, float, float]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css class, name)
    empty: bool = False

    @property
    def svg(self) -> str:
        return chart_svg(self)


def fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return number_format(value, decimal_pos=0 if float(value).is_integer() else 1)


def _scale_top(values: Sequence[float]) -> float:
    """A round number at or above the largest value, for the axis."""
    top = max([v for v in values if v is not None] or [0])
    if top <= 0:
        return 1
    step = 10 ** (len(str(int(top))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if top <= step * factor:
            return step * factor
    return top


def column_chart(
    *,
    id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    width: int = 760,
    height: int = 260,
) -> Chart:
    """Vertical grouped bars, one group per category (weeks), one bar per series."""
    chart = Chart(id, title, description, width, height)
    chart.legend = [(SERIES_CLASSES[i], name) for i, (name, _) in enumerate(series)]
    left, right, top, bottom = 48, 8, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, vs in series for v in vs]
    chart.empty = not any(values)
    scale = _scale_top(values)
    for i in range(5):  # horizontal grid lines with their values
        value = scale * i / 4
        y = top + plot_h - plot_h * i / 4
        chart.grid.append((left, y, left + plot_w, y))
        chart.labels.append(Label(left - 6, y + 4, fmt(value), "end"))
    n = max(len(categories), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.8 / max(len(series), 1), 0.5)
    every = max(1, round(n / 12))  # at most about a dozen axis labels
    for c, category in enumerate(categories):
        x0 = left + c * slot + slot * 0.1
        for s, (name, vs) in enumerate(series):
            value = vs[c] or 0
            h = plot_h * value / scale
            chart.bars.append(
                Bar(
                    x0 + s * bar_w,
                    top + plot_h - h,
                    bar_w,
                    h,
                    SERIES_CLASSES[s],
                    f"{category}: {name} {fmt(value)}",
                )
            )
        if c % every == 0:
            chart.labels.append(
                Label(left + c * slot + slot / 2, height - bottom + 16, category, "middle")
            )
    return chart


def bar_chart(
    *,
    id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    width: int = 760,
    unit: str = "",
) -> Chart:
    """Horizontal grouped bars, one group per category (teams, channels...), with values."""
    label_w, right, top = 190, 64, 8
    bar_h = 12
    group_h = bar_h * len(series) + 10
    height = top + group_h * max(len(categories), 1) + 8
    chart = Chart(id, title, description, width, height)
    chart.legend = [(SERIES_CLASSES[i], name) for i, (name, _) in enumerate(series)]
    plot_w = width - label_w - right
    values = [v for _, vs in series for v in vs if v is not None]
    chart.empty = not any(values)
    scale = _scale_top(values)
    for c, category in enumerate(categories):
        y0 = top + c * group_h
        text = category if len(category) <= 28 else category[:27] + "…"
        chart.labels.append(Label(label_w - 8, y0 + group_h / 2, text, "end"))
        for s, (name, vs) in enumerate(series):
            value = vs[c]
            w = plot_w * (value or 0) / scale
            y = y0 + s * bar_h
            shown = fmt(value) + (f" {unit}" if unit and value is not None else "")
            chart.bars.append(
                Bar(label_w, y, w, bar_h - 2, SERIES_CLASSES[s], f"{category}: {name} {shown}")
            )
            chart.labels.append(Label(label_w + w + 4, y + bar_h - 3, shown))
    return chart


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def chart_svg(chart: Chart) -> str:
    """The chart as SVG markup, built here rather than in a template: a page has hundreds of
    bars, and rendering each through template filters cost most of the page's time."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    parts = [
        f'<svg class="chart-svg" viewBox="0 0 {chart.width} {chart.height}" role="img"'
        f' aria-labelledby="{chart.id}-caption {chart.id}-desc"'
        ' preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(chart.title)}</title>",
        f'<desc id="{chart.id}-desc">{escape(chart.description)}</desc>',
    ]
    for x1, y1, x2, y2 in chart.grid:
        parts.append(
            f'<line class="grid" x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"/>'
        )
    for bar in chart.bars:
        parts.append(
            f'<rect class="{bar.css}" x="{_n(bar.x)}" y="{_n(bar.y)}" width="{_n(bar.width)}"'
            f' height="{_n(bar.height)}"><title>{escape(bar.title)}</title></rect>'
        )
    for label in chart.labels:
        parts.append(
            f'<text x="{_n(label.x)}" y="{_n(label.y)}" text-anchor="{label.anchor}">'
            f"{escape(label.text)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
