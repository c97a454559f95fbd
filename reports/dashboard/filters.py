"""The dashboard's filters: a period (the last 4, 12 or 52 ISO weeks, or chosen dates), a team
and a property (with what sits under it).

Weeks are ISO weeks (Monday to Sunday) in the organization's time zone, which `org_view` has
activated: "the last 12 weeks" are this week and the 11 before it, from Monday 00:00 to now.
A chosen period runs from the start of its first day to the end of its last (or now, if that
is earlier); the weekly chart shows every ISO week it touches.
"""

from __future__ import annotations

import builtins
import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms_deviations import PropertyPickerMixin
from cases.forms_lists import DATE_WIDGET
from organizations.models import Organization, Team
from organizations.rendering import FAST_RENDERER
from properties.models import Property

PRESETS = {"4": 4, "12": 12, "52": 52}
DEFAULT_PRESET = "12"
# A chosen period is at most three years: the weekly chart stays readable and the queries bounded.
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class DashboardFilters:
    start: dt.datetime  # aware, inclusive
    end: dt.datetime  # aware, exclusive (never after "now")
    team: Team | None = None
    property: Property | None = None
    # What was asked for, for the cache key and the links: the preset or the chosen dates.
    preset: str = DEFAULT_PRESET
    days: tuple[dt.date, dt.date] | None = None  # a chosen period's first and last day

    def cache_key(self) -> str:
        """Identifies the figures: a preset's window moves with the clock, so the preset (and
        the day it is asked on) names it rather than its exact end."""
        if self.preset in PRESETS:
            period = f"p{self.preset}:{timezone.localdate().isoformat()}"
        else:
            first, last = self.days or (self.start.date(), self.end.date())
            period = f"c{first.isoformat()}:{last.isoformat()}:{timezone.localdate().isoformat()}"
        tz = timezone.get_current_timezone_name()
        return f"{period}:{tz}:t{getattr(self.team, 'pk', '')}:p{getattr(self.property, 'pk', '')}"

    @builtins.property  # `property` is a field here
    def is_default_view(self) -> bool:
        """A preset with no team or property: the views kept fresh in the background."""
        return self.preset in PRESETS and self.team is None and self.property is None

    def query(self) -> str:
        """These filters as a query string (for the downloads' links): only what is valid, so
        a page kept in the cache links the same for everyone who sees it."""
        params: dict[str, Any] = {"period": self.preset}
        if self.days:
            params.update(date_from=self.days[0].isoformat(), date_to=self.days[1].isoformat())
        if self.team is not None:
            params["team"] = self.team.pk
        if self.property is not None:
            params["property"] = self.property.pk
        return urlencode(params)


def week_start(day: dt.date) -> dt.date:
    """The Monday of `day`'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def preset_period(weeks: int, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    first = week_start(timezone.localtime(now).date()) - dt.timedelta(weeks=weeks - 1)
    return local_midnight(first), now


class DashboardFilterForm(PropertyPickerMixin, forms.Form):
    default_renderer = FAST_RENDERER

    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("4", _("Last 4 weeks")),
            ("12", _("Last 12 weeks")),
            ("52", _("Last 52 weeks")),
            ("custom", _("Chosen dates")),
        ],
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)
    team = forms.IntegerField(label=_("Team"), required=False, widget=forms.Select)
    property = forms.IntegerField(label=_("Property"), required=False, widget=forms.Select)

    def __init__(self, *args: Any, org: Organization, teams: list[Team], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.org = org
        # Only the organization's teams (the list the page read once) can be chosen.
        self.fields["team"].widget.choices = [("", _("Any")), *[(t.pk, t.name) for t in teams]]
        self._teams = {t.pk: t for t in teams}

    def clean_team(self) -> Team | None:
        team_id = self.cleaned_data.get("team")
        if not team_id:
            return None
        team = self._teams.get(team_id)
        if team is None:
            raise ValidationError(_("Choose a team from the list."))
        return team

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("period") != "custom":
            return data
        start, end = data.get("date_from"), data.get("date_to")
        if not start or not end:
            raise ValidationError(_("Give both dates for a chosen period."))
        if end < start:
            raise ValidationError(_("The period cannot end before it starts."))
        if (end - start).days > MAX_DAYS:
            raise ValidationError(_("Choose a period of at most three years."))
        if start > timezone.localdate():
            raise ValidationError(_("The period cannot start in the future."))
        return data

    def filters(self, now: dt.datetime) -> DashboardFilters:
        """The valid filters; a bad field is reported on the form and the default used."""
        ok = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        team = ok.get("team") if "team" not in self.errors else None
        prop = ok.get("property") if "property" not in self.errors else None
        period = ok.get("period") or DEFAULT_PRESET
        if period == "custom" and not self.non_field_errors() and ok.get("date_from"):
            start = local_midnight(ok["date_from"])
            end = min(now, local_midnight(ok["date_to"] + dt.timedelta(days=1)))
            days = (ok["date_from"], ok["date_to"])
            return DashboardFilters(start, end, team, prop, preset="custom", days=days)
        if period not in PRESETS:
            period = DEFAULT_PRESET
        start, end = preset_period(PRESETS[period], now)
        return DashboardFilters(start, end, team, prop, preset=period)
