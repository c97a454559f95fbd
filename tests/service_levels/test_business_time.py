"""Service-level due times in business time: weekends, Nordic public holidays (17 May,
Midsummer Eve, Great Prayer Day before and after its removal in 2024), daylight saving, and
clocks that pause while a case waits or is resolved and resume when it is reopened.

These run the case services' clock functions (cases/services/service_levels.py) on cases in
memory with a given calendar, so Hypothesis can try thousands of them without a database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.models import Case, ServiceLevelPolicy
from cases.services.service_levels import (
    SlaContext,
    SlaState,
    case_sla_state,
    sla_after_change,
    sla_start,
)
from organizations.business_hours import Calendar, add_business_time, business_time_between
from organizations.models import Organization

OFFICE = {weekday: (time(8), time(16)) for weekday in range(5)}  # Mon–Fri 08–16
Status = Case.Status


def calendar(country: str = "NO", zone: str = "Europe/Oslo", **kwargs) -> Calendar:
    return Calendar(time_zone=zone, hours=kwargs.pop("hours", OFFICE), country=country, **kwargs)


def context(cal: Calendar, *policies: ServiceLevelPolicy, risk_percent: int = 80) -> SlaContext:
    return SlaContext(
        Organization(pk=1, time_zone=cal.time_zone),
        calendar=cal,
        risk_percent=risk_percent,
        policies=list(policies),
    )


def policy(first: int | None = 120, resolution: int | None = 16 * 60, **fields):
    return ServiceLevelPolicy(
        pk=fields.pop("pk", 1),
        name="Normal",
        priority=fields.pop("priority", ""),
        first_response_minutes=first,
        resolution_minutes=resolution,
        **fields,
    )


def opened(ctx: SlaContext, at: datetime, **fields) -> Case:
    case = Case(organization_id=1, number=1, title="t", created_at=at, **fields)
    sla_start(case, ctx)
    return case


def change_status(ctx: SlaContext, case: Case, new: str, now: datetime) -> None:
    old, case.status = case.status, new
    sla_after_change(case, ctx, changed={"status": (old, new)}, actor=None, now=now)


# --- named dates --------------------------------------------------------------------------


def test_friday_afternoon_case_is_due_on_monday():
    oslo = ZoneInfo("Europe/Oslo")
    case = opened(context(calendar(), policy(first=120)), datetime(2024, 3, 8, 15, tzinfo=oslo))

    assert case.first_response_due == datetime(2024, 3, 11, 9, tzinfo=oslo)
    # 16 business hours: the rest of Friday (1 h), Monday (8 h), then 7 h on Tuesday.
    assert case.resolution_due == datetime(2024, 3, 12, 15, tzinfo=oslo)


def test_constitution_day_and_whit_monday_are_skipped_in_norway():
    oslo = ZoneInfo("Europe/Oslo")
    case = opened(
        context(calendar("NO"), policy(first=120)), datetime(2024, 5, 16, 15, tzinfo=oslo)
    )

    # Friday 17 May and Monday 20 May (Whit Monday) are closed.
    assert case.first_response_due == datetime(2024, 5, 21, 9, tzinfo=oslo)


def test_midsummer_eve_is_skipped_in_sweden_but_not_in_norway():
    stockholm = ZoneInfo("Europe/Stockholm")
    start = datetime(2024, 6, 20, 15, tzinfo=stockholm)  # Thursday before Midsummer Eve

    swedish = opened(context(calendar("SE", "Europe/Stockholm"), policy(first=120)), start)
    norwegian = opened(context(calendar("NO", "Europe/Stockholm"), policy(first=120)), start)

    assert swedish.first_response_due == datetime(2024, 6, 24, 9, tzinfo=stockholm)
    assert norwegian.first_response_due == datetime(2024, 6, 21, 9, tzinfo=stockholm)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        # Store bededag, Friday 5 May 2023: closed, so Thursday 15:00 + 2 h is Monday 09:00.
        (datetime(2023, 5, 4, 15), datetime(2023, 5, 8, 9)),
        # Friday 26 April 2024 would have been Store bededag: a working day since its removal.
        (datetime(2024, 4, 25, 15), datetime(2024, 4, 26, 9)),
    ],
)
def test_great_prayer_day_closed_in_2023_and_a_working_day_from_2024(start, due):
    copenhagen = ZoneInfo("Europe/Copenhagen")
    ctx = context(calendar("DK", "Europe/Copenhagen"), policy(first=120))

    case = opened(ctx, start.replace(tzinfo=copenhagen))

    assert case.first_response_due == due.replace(tzinfo=copenhagen)


def test_own_closed_days_are_skipped():
    oslo = ZoneInfo("Europe/Oslo")
    cal = calendar("NO", closed_days=frozenset({date(2024, 3, 11)}))

    case = opened(context(cal, policy(first=120)), datetime(2024, 3, 8, 15, tzinfo=oslo))

    assert case.first_response_due == datetime(2024, 3, 12, 9, tzinfo=oslo)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        # 31 March 2024 has 23 hours in Oslo: 24 real hours later is 13:00, not 12:00.
        (datetime(2024, 3, 30, 12), datetime(2024, 3, 31, 13)),
        # 27 October 2024 has 25 hours: 24 real hours later is 11:00.
        (datetime(2024, 10, 26, 12), datetime(2024, 10, 27, 11)),
    ],
)
def test_round_the_clock_targets_count_the_hours_that_pass_across_daylight_saving(start, due):
    oslo = ZoneInfo("Europe/Oslo")
    always = calendar("", hours={d: (time(0), time(0)) for d in range(7)})

    case = opened(
        context(always, policy(first=None, resolution=24 * 60)), start.replace(tzinfo=oslo)
    )

    assert case.resolution_due == due.replace(tzinfo=oslo)


def test_office_hours_across_the_spring_change_count_eight_hours_a_day():
    oslo = ZoneInfo("Europe/Oslo")
    # Friday 29 March 2024 is Good Friday and Monday 1 April Easter Monday: both closed. From
    # Thursday 28 March 08:00 (Maundy Thursday, also closed) the first open day is 2 April,
    # after the change to summer time: 8 hours is 16:00 summer time.
    case = opened(
        context(calendar("NO"), policy(first=8 * 60)), datetime(2024, 3, 28, 8, tzinfo=oslo)
    )

    assert case.first_response_due == datetime(2024, 4, 2, 16, tzinfo=oslo)


def test_at_risk_moment_is_the_share_of_the_target_in_business_time():
    oslo = ZoneInfo("Europe/Oslo")
    ctx = context(calendar(), policy(first=None, resolution=10 * 60), risk_percent=80)

    case = opened(ctx, datetime(2024, 3, 8, 14, tzinfo=oslo))  # Friday

    # 80 % of 10 h = 8 h: 2 h on Friday, 6 h on Monday; all 10 h end at Monday's closing.
    assert case.resolution_risk_at == datetime(2024, 3, 11, 14, tzinfo=oslo)
    assert case.resolution_due == datetime(2024, 3, 11, 16, tzinfo=oslo)


# --- properties ---------------------------------------------------------------------------

calendars = st.builds(
    lambda country, zone, days, opening, length, closed: Calendar(
        time_zone=zone,
        hours={
            d: (time(opening), time(0) if opening + length >= 24 else time(opening + length))
            for d in days
        },
        country=country,
        closed_days=frozenset(closed),
    ),
    country=st.sampled_from(["", "NO", "SE", "DK"]),
    zone=st.sampled_from(["Europe/Oslo", "Europe/Stockholm", "Europe/Copenhagen"]),
    days=st.sets(st.integers(0, 6), min_size=1),
    opening=st.integers(0, 20),
    length=st.integers(1, 24),
    closed=st.sets(st.dates(date(2023, 1, 1), date(2026, 12, 31)), max_size=10),
)
# 2023–2026: every daylight-saving change of those years, Store bededag 2023 and its absence.
starts = st.datetimes(datetime(2023, 1, 1), datetime(2026, 6, 30), timezones=st.just(UTC))
minutes = st.integers(1, 5 * 24 * 60)
# (hours the case is worked on, hours it then waits or stays resolved), in real time.
segments = st.lists(
    st.tuples(st.integers(0, 72), st.integers(0, 240), st.sampled_from(["waiting", "resolved"])),
    max_size=5,
)


@settings(max_examples=200, deadline=None)
@given(cal=calendars, start=starts, first=minutes, resolution=minutes, percent=st.integers(1, 99))
def test_due_and_at_risk_times_lie_within_opening_hours_and_hold_the_target(
    cal, start, first, resolution, percent
):
    ctx = context(cal, policy(first=first, resolution=resolution), risk_percent=percent)

    case = opened(ctx, start)

    for due, target in ((case.first_response_due, first), (case.resolution_due, resolution)):
        assert cal.is_open(due)
        assert business_time_between(cal, start, due) == timedelta(minutes=target)
    assert cal.is_open(case.resolution_risk_at)
    assert case.resolution_risk_at <= case.resolution_due
    assert business_time_between(cal, start, case.resolution_risk_at) == timedelta(
        minutes=-(-resolution * percent // 100)
    )


@settings(max_examples=150, deadline=None)
@given(cal=calendars, start=starts, target=minutes, plan=segments)
def test_waiting_and_resolved_time_is_not_counted_and_reopening_resumes(cal, start, target, plan):
    ctx = context(cal, policy(first=None, resolution=target))
    case = opened(ctx, start)
    now = start
    paused = timedelta(0)
    for worked, stopped, status in plan:
        now += timedelta(hours=worked)
        late_before = case.resolution_due <= now
        change_status(ctx, case, status, now)
        assert case_sla_state(case, now) in (SlaState.PAUSED, None)  # waiting / resolved
        assert case.sla_next_due is None and case.sla_next_escalation is None
        resumed = now + timedelta(hours=stopped)
        paused += business_time_between(cal, now, resumed)
        now = resumed
        change_status(ctx, case, Status.IN_PROGRESS, now)  # back to work, or reopened
        # A case that ran late stays late, however long it waited.
        assert not late_before or case_sla_state(case, now) == SlaState.BREACHED

    assert case.sla_paused == paused
    assert cal.is_open(case.resolution_due)
    # The business time from opening to due is the target plus the time the clock stood still.
    assert business_time_between(cal, start, case.resolution_due) == (
        timedelta(minutes=target) + paused
    )
    # The same as opening the case afresh with the paused time added: resumptions and a
    # recomputation agree.
    assert case.resolution_due == add_business_time(cal, start, timedelta(minutes=target) + paused)


@settings(max_examples=100, deadline=None)
@given(cal=calendars, start=starts, target=minutes, wait=st.integers(1, 200))
def test_a_first_response_stops_its_clock_for_good(cal, start, target, wait):
    ctx = context(cal, policy(first=target, resolution=None))
    case = opened(ctx, start)
    due = case.first_response_due
    answered = start + timedelta(hours=1)
    case.first_response_at = answered
    change_status(ctx, case, Status.WAITING, answered)
    change_status(ctx, case, Status.IN_PROGRESS, answered + timedelta(hours=wait))

    assert case.first_response_due == due  # kept for the record
    assert case.sla_next_due is None  # nothing runs any more
    assert case_sla_state(case, answered + timedelta(days=400)) is None
