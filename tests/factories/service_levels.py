import datetime

import factory

from cases.models import ServiceLevelPolicy
from organizations.models_calendar import BusinessCalendar


class ServiceLevelPolicyFactory(factory.django.DjangoModelFactory):
    """A policy for normal-priority cases: first response within 4 business hours, resolution
    within 16 (two office days)."""

    class Meta:
        model = ServiceLevelPolicy

    name = factory.Sequence(lambda n: f"Service level {n}")
    priority = "normal"
    first_response_minutes = 4 * 60
    resolution_minutes = 16 * 60


def office_calendar(org, *, country="NO", risk_percent=80, hours=None, **fields):
    """The organization's calendar: Monday to Friday 08:00–16:00 unless `hours` (a list of
    seven ["08:00", "16:00"] or None) says otherwise."""
    return BusinessCalendar.objects.update_or_create(
        organization=org,
        defaults={
            "country": country,
            "risk_percent": risk_percent,
            "opening_hours": hours or [["08:00", "16:00"]] * 5 + [None, None],
            **fields,
        },
    )[0]


def always_open(org, **fields):
    """Open around the clock every day, no holidays: business time is wall-clock time."""
    return office_calendar(org, hours=[["00:00", "00:00"]] * 7, **fields)


HOUR = datetime.timedelta(hours=1)
