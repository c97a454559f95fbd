"""An organization's business calendar: when it is open, which country's public holidays close
it, its own closed days, and from which share of a service-level target a case is "at risk".

The arithmetic is in `organizations/business_hours.py`; `organizations/calendar.py` reads these
rows into its `Calendar` and writes them (Settings → Business hours).
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import TenantManager

ORG = "organizations.Organization"

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
COUNTRY_CHOICES = [("NO", _("Norway")), ("SE", _("Sweden")), ("DK", _("Denmark"))]
DEFAULT_RISK_PERCENT = 80


def default_opening_hours() -> list:
    """Monday to Friday 08:00–16:00, closed at weekends."""
    return [["08:00", "16:00"]] * 5 + [None, None]


class BusinessCalendar(models.Model):
    """One per organization; an organization without one uses the defaults (see
    organizations.calendar.calendar_settings)."""

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    country = models.CharField(
        _("public holidays of"),
        max_length=2,
        choices=COUNTRY_CHOICES,
        help_text=_("The country's public holidays are closed days."),
    )
    # Seven entries, Monday first: ["08:00", "16:00"] (a closing time of "00:00" is midnight at
    # the end of the day) or null for a day the organization is closed.
    opening_hours = models.JSONField(_("opening hours"), default=default_opening_hours)
    risk_percent = models.PositiveSmallIntegerField(
        _("at risk from (% of the target)"),
        default=DEFAULT_RISK_PERCENT,
        help_text=_(
            "A case is at risk when this share of its response or resolution time has passed."
        ),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="businesscalendar_one_per_org")
        ]

    def __str__(self) -> str:
        return str(_("Business hours"))

    def hours(self) -> dict[int, tuple[datetime.time, datetime.time]]:
        """Weekday (0 = Monday) → (opening, closing); closed days are left out."""
        hours = {}
        for weekday, entry in enumerate((self.opening_hours or [])[:7]):
            if entry:
                opens, closes = entry
                hours[weekday] = (
                    datetime.time.fromisoformat(opens),
                    datetime.time.fromisoformat(closes),
                )
        return hours


class ClosedDay(models.Model):
    """A day the organization is closed besides weekends and public holidays."""

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    date = models.DateField(_("date"))
    label = models.CharField(_("what"), max_length=100)

    objects = TenantManager()

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "date"], name="closedday_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.label}"
