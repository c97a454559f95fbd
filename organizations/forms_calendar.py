"""Forms of Settings → Business hours: the calendar (country, opening hours, at-risk share)
and a closed day."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models_calendar import COUNTRY_CHOICES, WEEKDAYS, BusinessCalendar

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class CalendarForm(forms.Form):
    country = forms.ChoiceField(
        label=_("Public holidays of"),
        choices=COUNTRY_CHOICES,
        help_text=_(
            "Their public holidays are closed days (in Sweden also Midsummer Eve, Christmas Eve"
            " and New Year's Eve)."
        ),
    )
    risk_percent = forms.IntegerField(
        label=_("At risk from (% of the time)"),
        min_value=1,
        max_value=99,
        help_text=_(
            "A case is at risk when this share of its response or resolution time has passed;"
            " its assignee is told then, and again when the time is up."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, calendar: BusinessCalendar, **kwargs: Any) -> None:
        if not args and "initial" not in kwargs:
            kwargs["initial"] = initial_for(calendar)
        super().__init__(*args, **kwargs)
        for weekday, name in WEEKDAYS:
            self.fields[f"opens_{weekday}"] = forms.TimeField(
                label=_("%(day)s opens") % {"day": name}, required=False, widget=TIME_WIDGET
            )
            self.fields[f"closes_{weekday}"] = forms.TimeField(
                label=_("%(day)s closes") % {"day": name}, required=False, widget=TIME_WIDGET
            )

    def days(self) -> list[dict[str, Any]]:
        """One row per weekday for the template: its name and its two fields."""
        return [
            {"name": name, "opens": self[f"opens_{day}"], "closes": self[f"closes_{day}"]}
            for day, name in WEEKDAYS
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for weekday, _name in WEEKDAYS:
            opens, closes = data.get(f"opens_{weekday}"), data.get(f"closes_{weekday}")
            if f"opens_{weekday}" in self.errors or f"closes_{weekday}" in self.errors:
                continue
            if (opens is None) != (closes is None):
                missing = f"closes_{weekday}" if closes is None else f"opens_{weekday}"
                self.add_error(
                    missing,
                    _("Give both the opening and the closing time, or neither for a closed day."),
                )
        return data

    def hours(self) -> dict[int, tuple[datetime.time, datetime.time] | None]:
        data = self.cleaned_data
        return {
            day: (data[f"opens_{day}"], data[f"closes_{day}"])
            if data.get(f"opens_{day}") is not None and data.get(f"closes_{day}") is not None
            else None
            for day, _name in WEEKDAYS
        }


def initial_for(calendar: BusinessCalendar) -> dict[str, Any]:
    initial: dict[str, Any] = {"country": calendar.country, "risk_percent": calendar.risk_percent}
    for weekday, (opens, closes) in calendar.hours().items():
        initial[f"opens_{weekday}"] = opens
        initial[f"closes_{weekday}"] = closes
    return initial


class ClosedDayForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    label = forms.CharField(label=_("What"), max_length=100, help_text=_("E.g. “Staff day”."))
