"""Medians and 90th percentiles of durations: in SQL on PostgreSQL (`percentile_cont`, one sort
for both fractions), in Python elsewhere (the embedded SQLite demo), with the same definition:
the continuous percentile, interpolating linearly between the two nearest values."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from django.db.models import Aggregate, DurationField, Func

FRACTIONS = (0.5, 0.9)


class DurationPercentiles(Aggregate):
    """`percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY expr)`: the median and the 90th
    percentile of an interval, as a list of two timedeltas (None when no row counts). Accepts
    `filter=` like any aggregate (FILTER (WHERE ...))."""

    function = "percentile_cont"
    name = "DurationPercentiles"
    template = "%(function)s(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def __init__(self, expression, **extra):
        from django.contrib.postgres.fields import ArrayField

        super().__init__(expression, output_field=ArrayField(DurationField()), **extra)


def interval(end: str, start: str) -> Func:
    """`end - start` as an interval."""
    from django.db.models import ExpressionWrapper, F

    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


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
