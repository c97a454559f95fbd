"""Business-time arithmetic: weekends, Nordic public holidays, daylight saving, midnight closing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from organizations.business_hours import (
    Calendar,
    NeverOpen,
    add_business_time,
    business_time_between,
    public_holidays,
)

OSLO = ZoneInfo("Europe/Oslo")
OFFICE = {weekday: (time(8), time(16)) for weekday in range(5)}  # Mon–Fri 08–16


def local(*args) -> datetime:
    return datetime(*args, tzinfo=OSLO)


def office(country: str = "NO", zone: str = "Europe/Oslo", **kwargs) -> Calendar:
    return Calendar(time_zone=zone, hours=OFFICE, country=country, **kwargs)


def test_friday_afternoon_plus_two_hours_is_monday_morning():
    due = add_business_time(office(), local(2024, 3, 8, 15), timedelta(hours=2))
    assert due == local(2024, 3, 11, 9)


def test_before_opening_counts_from_opening():
    due = add_business_time(office(), local(2024, 3, 11, 6), timedelta(hours=1))
    assert due == local(2024, 3, 11, 9)


def test_constitution_day_is_closed_in_norway():
    # Thursday 16 May 2024, 15:00 + 2 h: the 17th (Friday) is closed, so Monday 20th is
    # Whit Monday (also closed): Tuesday 21st at 09:00.
    due = add_business_time(office("NO"), local(2024, 5, 16, 15), timedelta(hours=2))
    assert due == local(2024, 5, 21, 9)


def test_midsummer_eve_is_closed_in_sweden():
    stockholm = ZoneInfo("Europe/Stockholm")
    calendar = office("SE", "Europe/Stockholm")
    start = datetime(2024, 6, 20, 15, tzinfo=stockholm)  # Thursday before Midsummer Eve
    assert add_business_time(calendar, start, timedelta(hours=2)) == datetime(
        2024, 6, 24, 9, tzinfo=stockholm
    )
    assert "Midsummer Eve" in public_holidays("SE", 2024).values()


def test_great_prayer_day_closed_in_2023_and_a_working_day_from_2024():
    copenhagen = ZoneInfo("Europe/Copenhagen")
    calendar = office("DK", "Europe/Copenhagen")
    assert calendar.is_closed_day(date(2023, 5, 5))  # Store bededag 2023
    assert not calendar.is_closed_day(date(2024, 4, 26))  # abolished from 2024
    start = datetime(2023, 5, 4, 15, tzinfo=copenhagen)
    assert add_business_time(calendar, start, timedelta(hours=2)) == datetime(
        2023, 5, 8, 9, tzinfo=copenhagen
    )


def test_own_closed_days_and_no_country():
    calendar = office("", closed_days=frozenset({date(2024, 12, 24)}))
    assert calendar.is_closed_day(date(2024, 12, 24))
    assert not calendar.is_closed_day(date(2024, 12, 25))  # no holiday calendar chosen


def test_round_the_clock_counts_the_real_hours_across_daylight_saving():
    always = Calendar(time_zone="Europe/Oslo", hours={d: (time(0), time(0)) for d in range(7)})
    # 31 March 2024 has 23 hours in Oslo: 24 real hours later is 13:00, not 12:00.
    assert add_business_time(always, local(2024, 3, 30, 12), timedelta(hours=24)) == local(
        2024, 3, 31, 13
    )
    # 27 October 2024 has 25 hours.
    assert add_business_time(always, local(2024, 10, 26, 12), timedelta(hours=24)) == local(
        2024, 10, 27, 11
    )


def test_opening_inside_the_spring_forward_gap_starts_after_it():
    calendar = Calendar(time_zone="Europe/Oslo", hours={6: (time(2, 30), time(4))})
    opens, closes = calendar.opening_on(date(2024, 3, 31))
    # 02:30 does not exist that night: it is read as 02:30 winter time, which is 03:30 summer
    # time (the gap's hour later), so the interval up to 04:00 is half an hour long.
    assert opens == local(2024, 3, 31, 3, 30)
    assert closes - opens == timedelta(minutes=30)


def test_a_calendar_that_is_never_open_says_so():
    with pytest.raises(NeverOpen):
        add_business_time(Calendar(time_zone="UTC", hours={}), local(2024, 1, 1), timedelta(1))


def test_invalid_calendars_are_refused():
    with pytest.raises(ValueError):
        Calendar(time_zone="UTC", hours={0: (time(16), time(8))})
    with pytest.raises(ValueError):
        Calendar(time_zone="UTC", hours={7: (time(8), time(16))})
    with pytest.raises(ValueError):
        Calendar(time_zone="UTC", hours=OFFICE, country="FI")


# --- properties ---------------------------------------------------------------------------

calendars = st.builds(
    lambda country, zone, days, opening, length, closed: Calendar(
        time_zone=zone,
        hours={d: (time(opening), _closing(opening, length)) for d in days},
        country=country,
        closed_days=frozenset(closed),
    ),
    country=st.sampled_from(["", "NO", "SE", "DK"]),
    zone=st.sampled_from(["Europe/Oslo", "Europe/Stockholm", "Europe/Copenhagen", "UTC"]),
    days=st.sets(st.integers(0, 6), min_size=1),
    opening=st.integers(0, 20),
    length=st.integers(1, 24),
    closed=st.sets(st.dates(date(2023, 1, 1), date(2026, 12, 31)), max_size=20),
)


def _closing(opening: int, length: int) -> time:
    end = opening + length
    return time(0) if end >= 24 else time(end)


starts = st.datetimes(
    datetime(2023, 1, 1), datetime(2026, 6, 30), timezones=st.just(UTC)
)  # includes every DST change of those years
durations = st.timedeltas(timedelta(0), timedelta(days=20))


@settings(max_examples=150, deadline=None)
@given(calendar=calendars, start=starts, duration=durations)
def test_the_due_time_lies_within_opening_hours_and_holds_exactly_the_duration(
    calendar, start, duration
):
    due = add_business_time(calendar, start, duration)
    assert due >= start
    assert calendar.is_open(due)
    assert not calendar.is_closed_day(due.astimezone(calendar.zone).date()) or (
        # the closing instant of a midnight-closing day is the next day's 00:00
        due.astimezone(calendar.zone).time() == time(0)
    )
    assert business_time_between(calendar, start, due) == duration


@settings(max_examples=100, deadline=None)
@given(calendar=calendars, start=starts, first=durations, second=durations)
def test_adding_in_two_steps_is_adding_the_sum(calendar, start, first, second):
    assert add_business_time(
        calendar, add_business_time(calendar, start, first), second
    ) == add_business_time(calendar, start, first + second)


@settings(max_examples=100, deadline=None)
@given(calendar=calendars, start=starts, shorter=durations, extra=durations)
def test_a_longer_target_is_never_due_earlier(calendar, start, shorter, extra):
    assert add_business_time(calendar, start, shorter) <= add_business_time(
        calendar, start, shorter + extra
    )
