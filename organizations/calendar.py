"""An organization's business calendar: reading it into a `Calendar` for business-time
arithmetic (organizations/business_hours.py), and the services behind Settings → Business hours.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

import holidays
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from organizations.audit import audit_record
from organizations.business_hours import HOLIDAY_CATEGORIES, Calendar
from organizations.models import Organization, User
from organizations.models_calendar import (
    COUNTRY_CHOICES,
    DEFAULT_RISK_PERCENT,
    WEEKDAYS,
    BusinessCalendar,
    ClosedDay,
    default_opening_hours,
)
from organizations.scoping import check_same_org

COUNTRY_BY_LANGUAGE = {"nb": "NO", "sv": "SE", "da": "DK"}
COUNTRY_BY_ZONE = {"Europe/Oslo": "NO", "Europe/Stockholm": "SE", "Europe/Copenhagen": "DK"}
LABEL_MAX = ClosedDay._meta.get_field("label").max_length
MIDNIGHT = datetime.time(0)

Hours = Mapping[int, tuple[datetime.time, datetime.time] | None]


def default_country(org: Organization) -> str:
    """The organization's language decides (Norwegian → Norway...); English falls back to the
    time zone, then to Norway."""
    return (
        COUNTRY_BY_LANGUAGE.get(org.default_language)
        or COUNTRY_BY_ZONE.get(org.time_zone)
        or COUNTRY_CHOICES[0][0]
    )


def calendar_settings(org: Organization) -> BusinessCalendar:
    """The organization's calendar row, or an unsaved one with the defaults. One query."""
    found = BusinessCalendar.objects.filter(organization=org).first()
    if found is not None:
        return found
    return BusinessCalendar(
        organization=org,
        country=default_country(org),
        opening_hours=default_opening_hours(),
        risk_percent=DEFAULT_RISK_PERCENT,
    )


def closed_days(org: Organization) -> list[ClosedDay]:
    return list(ClosedDay.objects.filter(organization=org).order_by("date"))


def calendar_from(org: Organization, row: BusinessCalendar, days) -> Calendar:
    return Calendar(
        time_zone=org.time_zone,
        hours=row.hours(),
        country=row.country,
        closed_days=frozenset(day.date for day in days),
    )


def calendar_for(org: Organization) -> tuple[Calendar, BusinessCalendar]:
    """The organization's `Calendar` and its settings row (for the at-risk share). Two
    queries."""
    row = calendar_settings(org)
    return calendar_from(org, row, closed_days(org)), row


# The holiday names' languages the `holidays` package has for each country, by our language.
HOLIDAY_LANGUAGES = {"NO": {"nb": "no"}, "SE": {"sv": "sv"}, "DK": {"da": "da"}}


def upcoming_holidays(country: str, today: datetime.date, days: int = 366):
    """(date, name) of the country's closed days from `today` on, for `days` days, named in
    the active language when the package has it for that country, else in English."""
    end = today + datetime.timedelta(days=days)
    language = HOLIDAY_LANGUAGES.get(country, {}).get(get_language() or "", "en_US")
    found = holidays.country_holidays(
        country,
        years=range(today.year, end.year + 1),
        categories=HOLIDAY_CATEGORIES[country],
        language=language,
    )
    return sorted((day, name) for day, name in found.items() if today <= day < end)


def hours_text(entry) -> str:
    """ "08:00–16:00", or "closed" (in English: audit values are stored in the source
    language)."""
    return f"{entry[0]}–{entry[1]}" if entry else "closed"


# --- Writes ----------------------------------------------------------------------------------


def _checked_hours(hours: Hours) -> tuple[list, dict[str, str]]:
    stored: list = []
    errors: dict[str, str] = {}
    for weekday, name in WEEKDAYS:
        entry = hours.get(weekday)
        if not entry:
            stored.append(None)
            continue
        opens, closes = entry
        if closes != MIDNIGHT and closes <= opens:
            errors[f"closes_{weekday}"] = _(
                "%(day)s: the closing time must be after the opening time (00:00 means midnight)."
            ) % {"day": name}
        stored.append([opens.strftime("%H:%M"), closes.strftime("%H:%M")])
    if not errors and not any(stored):
        errors["__all__"] = _("Open on at least one day of the week.")
    return stored, errors


DAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _audit_values(country: str, hours: list, risk_percent: int) -> dict[str, str]:
    entries = list(hours or [])[:7] + [None] * (7 - len(hours or []))
    return {
        "country": country,
        "risk_percent": str(risk_percent),
        **{key: hours_text(entry) for key, entry in zip(DAY_KEYS, entries, strict=True)},
    }


@transaction.atomic
def calendar_save(
    *, org: Organization, actor: User | None, country: str, hours: Hours, risk_percent: int
) -> BusinessCalendar:
    """Set the country whose public holidays close the organization, its opening hours per
    weekday (None for closed; closing 00:00 means midnight) and the at-risk share (1–99 %).
    Service-level due times already set on cases stay as they are."""
    errors: dict[str, str] = {}
    if country not in dict(COUNTRY_CHOICES):
        errors["country"] = _("Choose Norway, Sweden or Denmark.")
    if not isinstance(risk_percent, int) or not 1 <= risk_percent <= 99:
        errors["risk_percent"] = _("Give a share from 1 to 99 %.")
    stored, hour_errors = _checked_hours(hours)
    errors.update(hour_errors)
    if errors:
        raise ValidationError(errors)
    row = calendar_settings(org)
    created = row.pk is None
    before = _audit_values(row.country, row.opening_hours, row.risk_percent)
    row.country, row.opening_hours, row.risk_percent = country, stored, risk_percent
    after = _audit_values(country, stored, risk_percent)
    row.save()
    changes = {
        key: ["" if created else before[key], value]
        for key, value in after.items()
        if created or before[key] != value
    }
    if changes:
        audit_record(
            org=org,
            actor=actor,
            module="settings",
            obj=row,
            action="created" if created else "changed",
            changes=changes,
        )
    return row


@transaction.atomic
def closed_day_add(
    *, org: Organization, actor: User | None, date: datetime.date, label: str
) -> ClosedDay:
    label = " ".join((label or "").split())
    if not label:
        raise ValidationError({"label": _("Say what the day is, e.g. “Staff day”.")})
    if len(label) > LABEL_MAX:
        raise ValidationError(
            {"label": _("Keep it under %(max)s characters.") % {"max": LABEL_MAX}}
        )
    if ClosedDay.objects.filter(organization=org, date=date).exists():
        raise ValidationError({"date": _("That day is already a closed day.")})
    try:
        with transaction.atomic():
            day = ClosedDay.objects.create(organization=org, date=date, label=label)
    except IntegrityError as exc:  # added at the same moment by someone else
        raise ValidationError({"date": _("That day is already a closed day.")}) from exc
    audit_record(
        org=org,
        actor=actor,
        module="settings",
        obj=day,
        action="created",
        changes={"date": ["", date.isoformat()], "label": ["", label]},
    )
    return day


@transaction.atomic
def closed_day_delete(*, org: Organization, actor: User | None, closed_day: ClosedDay) -> None:
    check_same_org(org, closed_day)
    audit_record(
        org=org,
        actor=actor,
        module="settings",
        obj=closed_day,
        action="deleted",
        changes={
            "date": [closed_day.date.isoformat(), ""],
            "label": [closed_day.label, ""],
        },
    )
    closed_day.delete()
