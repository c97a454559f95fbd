"""Fixtures of the service-level tests: a settable clock and an organization with an office
calendar (Monday–Friday 08:00–16:00, Norwegian holidays) and a policy for normal priority."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories.service_levels import ServiceLevelPolicyFactory, office_calendar

OSLO = ZoneInfo("Europe/Oslo")


def oslo(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=OSLO)


class Clock:
    """`timezone.now()` for the code under test, moved by hand."""

    def __init__(self, start: datetime.datetime) -> None:
        self.now = start

    def __call__(self) -> datetime.datetime:
        return self.now

    def set(self, *args) -> datetime.datetime:
        self.now = oslo(*args)
        return self.now

    def advance(self, **delta) -> datetime.datetime:
        self.now += datetime.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Monday 4 March 2024, 09:00 in Oslo, until moved."""
    fake = Clock(oslo(2024, 3, 4, 9))
    monkeypatch.setattr(timezone, "now", fake)
    return fake


@pytest.fixture
def office(tenant):
    return office_calendar(tenant.org)


@pytest.fixture
def normal_policy(tenant, office):
    """Normal priority: first response within 4 business hours, resolution within 16."""
    return ServiceLevelPolicyFactory(organization=tenant.org, name="Normal")
