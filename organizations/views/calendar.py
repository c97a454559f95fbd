"""Settings → Business hours: opening hours, public holidays, closed days and the at-risk share
that service levels count with (admins only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.calendar import (
    calendar_save,
    calendar_settings,
    closed_day_add,
    closed_day_delete,
    closed_days,
    upcoming_holidays,
)
from organizations.forms_calendar import CalendarForm, ClosedDayForm
from organizations.models_calendar import ClosedDay
from organizations.scoping import ADMIN_ROLES, get_for_org_or_404, org_view
from organizations.web import add_service_errors, is_htmx


def _page(request, *, form=None, day_form=None, status: int = 200) -> HttpResponse:
    org = request.org
    calendar = calendar_settings(org)
    today = timezone.localdate()
    return render(
        request,
        "organizations/settings/business_hours.html",
        {
            "form": form or CalendarForm(calendar=calendar),
            "day_form": day_form or ClosedDayForm(prefix="closed"),
            "closed_days": [day for day in closed_days(org) if day.date >= today],
            "past_closed_days": [day for day in closed_days(org) if day.date < today],
            "holidays": upcoming_holidays(calendar.country, today),
            "calendar": calendar,
        },
        status=status,
    )


@org_view(roles=ADMIN_ROLES)
def business_hours(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    form = CalendarForm(request.POST, calendar=calendar_settings(request.org))
    if form.is_valid():
        try:
            calendar_save(
                org=request.org,
                actor=request.user,
                country=form.cleaned_data["country"],
                hours=form.hours(),
                risk_percent=form.cleaned_data["risk_percent"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Business hours saved."))
            return redirect("organizations:business_hours", org_slug=request.org.slug)
    return _page(request, form=form, status=400 if is_htmx(request) else 200)


@require_POST
@org_view(roles=ADMIN_ROLES)
def closed_day_new(request: HttpRequest) -> HttpResponse:
    form = ClosedDayForm(request.POST, prefix="closed")
    if form.is_valid():
        try:
            day = closed_day_add(org=request.org, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(date)s is a closed day.") % {"date": day.date.strftime("%Y-%m-%d")},
            )
            return redirect("organizations:business_hours", org_slug=request.org.slug)
    return _page(request, day_form=form, status=400 if is_htmx(request) else 200)


@require_POST
@org_view(roles=ADMIN_ROLES)
def closed_day_remove(request: HttpRequest, closed_day_id: int) -> HttpResponse:
    day = get_for_org_or_404(ClosedDay, request.org, pk=closed_day_id)
    closed_day_delete(org=request.org, actor=request.user, closed_day=day)
    messages.success(request, _("The closed day “%(label)s” is removed.") % {"label": day.label})
    return redirect("organizations:business_hours", org_slug=request.org.slug)
