"""Medians and 90th percentiles of durations in Python (the portable way; on PostgreSQL
reports/dashboard/grouped.py reads them from each group's sorted durations in SQL), with one
definition, PostgreSQL's `percentile_cont`: the value at rank fraction × (n − 1), interpolated
linearly between the two nearest values. The figures are exact either way."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

FRACTIONS = (0.5, 0.9)


def percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont over already sorted values."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def duration_percentiles(durations: list[dt.timedelta]) -> list[dt.timedelta | None]:
    """The median and the 90th percentile of `durations` (the Python fallback)."""
    seconds = sorted(d.total_seconds() for d in durations)
    out: list[dt.timedelta | None] = []
    for fraction in FRACTIONS:
        value = percentile(seconds, fraction)
        out.append(None if value is None else dt.timedelta(seconds=value))
    return out
