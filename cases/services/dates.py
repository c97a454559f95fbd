"""The one guard rail for dates people set by hand — case deadlines, task and deviation due
dates: a typo like 0202, 1901 or 9999 is refused with a message, not stored."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX_YEARS = 10


def date_bounds() -> tuple[datetime.date, datetime.date]:
    """The earliest and latest date accepted: 2000-01-01 to ten years from today."""
    today = timezone.localdate()
    try:
        latest = today.replace(year=today.year + DATE_MAX_YEARS)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + DATE_MAX_YEARS, day=28)
    return DATE_MIN, latest


def date_out_of_range(value: datetime.date | None) -> str:
    """The message for a date outside `date_bounds`, or "" when it is fine (None is fine)."""
    if value is None:
        return ""
    earliest, latest = date_bounds()
    if earliest <= value <= latest:
        return ""
    return _("Choose a date between %(earliest)s and %(latest)s.") % {
        "earliest": earliest.isoformat(),
        "latest": latest.isoformat(),
    }


def date_check(value: datetime.date | None, field: str) -> None:
    """Raise a ValidationError on `field` if `value` is outside `date_bounds`."""
    message = date_out_of_range(value)
    if message:
        raise ValidationError({field: message}, code="date_range")
