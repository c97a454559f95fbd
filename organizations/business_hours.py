"""Business time: when an organization is open, and deadlines counted in open hours only.

A `Calendar` is an organization's opening hours per weekday in its time zone, its country's
public holidays (Norway, Sweden, Denmark, from the `holidays` package) and its own closed days.
Service-level targets ("answer within 8 business hours") are added to a start time with
`add_business_time`, and elapsed business time is measured with `business_time_between`.

All arithmetic is done in UTC on the opening intervals, so a daylight-saving change inside an
interval counts the hours that really pass; opening and closing times are wall-clock times in
the organization's zone. A closing time of 00:00 means midnight at the end of the day, so a
calendar open 00:00–00:00 every day is open around the clock.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import holidays

# Which of the `holidays` package's categories count as closed days per country. Sweden's
# de facto holidays (Midsummer Eve, Christmas Eve, New Year's Eve) close offices as surely as
# the public ones; Norway and Denmark list the days offices close as public holidays.
HOLIDAY_CATEGORIES = {
    "NO": ("public",),
    "SE": ("public", "de_facto"),
    "DK": ("public",),
}
COUNTRIES = tuple(HOLIDAY_CATEGORIES)

# An interval search that finds no opening in this many days means the calendar is never open.
_SEARCH_DAYS = 3 * 366


class NeverOpen(ValueError):
    """The calendar has no opening hours in the searched period."""


@functools.lru_cache(maxsize=64)
def public_holidays(country: str, year: int) -> dict[date, str]:
    """The country's closed days in `year`, by date, with their English names."""
    if not country:
        return {}
    return dict(
        holidays.country_holidays(
            country, years=year, categories=HOLIDAY_CATEGORIES[country], language="en_US"
        )
    )


@dataclass(frozen=True)
class Calendar:
    time_zone: str
    # Weekday (0 = Monday) → (opening, closing) wall-clock times; a missing weekday is closed.
    hours: Mapping[int, tuple[time, time]]
    country: str = ""
    closed_days: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.country and self.country not in HOLIDAY_CATEGORIES:
            raise ValueError(f"no holiday calendar for {self.country!r}")
        for weekday, (opening, closing) in self.hours.items():
            if not 0 <= weekday <= 6:
                raise ValueError(f"weekday {weekday} is not 0–6")
            if closing != time(0) and closing <= opening:
                raise ValueError(f"closing {closing} is not after opening {opening}")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def is_closed_day(self, day: date) -> bool:
        return (
            day.weekday() not in self.hours
            or day in self.closed_days
            or day in public_holidays(self.country, day.year)
        )

    def opening_on(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's opening interval in UTC, or None when closed. A wall-clock time that does
        not exist (skipped by a daylight-saving change) is read in the offset before the change,
        so it moves forward by the gap (02:30 becomes 03:30 on the spring-forward night)."""
        if self.is_closed_day(day):
            return None
        opening, closing = self.hours[day.weekday()]
        start = _utc(day, opening, self.zone)
        end = _utc(day + timedelta(days=1), time(0), self.zone) if closing == time(0) else None
        return start, end or _utc(day, closing, self.zone)

    def intervals(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals in UTC from `start` on, the first one clipped to begin at `start`."""
        start = start.astimezone(UTC)
        day = start.astimezone(self.zone).date() - timedelta(days=1)  # an interval may span it
        last_open = day
        while (day - last_open).days <= _SEARCH_DAYS:
            interval = self.opening_on(day)
            day += timedelta(days=1)
            if interval is None or interval[1] <= start:
                continue
            last_open = day
            yield max(interval[0], start), interval[1]
        raise NeverOpen(f"no opening hours within {_SEARCH_DAYS} days")

    def is_open(self, moment: datetime) -> bool:
        """Whether `moment` lies within opening hours (the closing instant counts as open, so
        a deadline that falls exactly at closing time is within them)."""
        day = moment.astimezone(self.zone).date()
        for candidate in (day - timedelta(days=1), day):
            interval = self.opening_on(candidate)
            if interval and interval[0] <= moment <= interval[1]:
                return True
        return False


def _utc(day: date, wall: time, zone: zoneinfo.ZoneInfo) -> datetime:
    # Round-tripping through UTC turns a wall-clock time inside a spring-forward gap into the
    # real instant after it; an ambiguous autumn time is read as its first occurrence (fold 0).
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def add_business_time(calendar: Calendar, start: datetime, duration: timedelta) -> datetime:
    """The moment `duration` of open time after `start` (UTC). A zero duration gives the first
    open moment at or after `start`, so the result always lies within opening hours."""
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    remaining = duration
    for opens, closes in calendar.intervals(start):
        if closes - opens >= remaining:
            return opens + remaining
        remaining -= closes - opens
    raise AssertionError("unreachable: intervals() raises when it runs out")  # pragma: no cover


def business_time_between(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    """Open time from `start` to `end`; zero when `end` is not after `start`."""
    end = end.astimezone(UTC)
    total = timedelta(0)
    if end <= start:
        return total
    for opens, closes in calendar.intervals(start):
        if opens >= end:
            break
        total += min(closes, end) - opens
    return total
