"""Time entries: minutes or h:mm, per-case total, and a "time logged" event."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.forms_panels import parse_duration
from cases.models import CaseEvent, TimeEntry
from cases.services.time import time_entry_add
from tests.cases.detail_support import HX, case_url
from tests.factories.cases import make_case


@pytest.fixture
def case(tenant):
    return make_case(tenant.org, tenant.caseworker)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("45", 45), ("45 min", 45), ("1:30", 90), ("2h", 120), ("2t", 120), ("1h 15m", 75)],
)
def test_durations_are_understood(text, minutes):
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "abc", "1:75", "-5", "1.5.3"])
def test_nonsense_durations_are_not(text):
    assert parse_duration(text) is None


def test_time_entry_writes_a_time_event(tenant, case):
    entry = time_entry_add(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        minutes=90,
        date=datetime.date(2031, 3, 3),
        note="Befaring",
    )

    assert (entry.user, entry.minutes) == (tenant.caseworker, 90)
    event = CaseEvent.objects.get(case=case, kind="time")
    assert (event.time_entry, event.new_value) == (entry, "90")
    assert event.data == {"minutes": 90, "date": "2031-03-03", "user": str(tenant.caseworker)}


def test_time_cannot_be_logged_for_a_supplier_user_or_an_outsider(tenant, other_tenant, case):
    for user in (tenant.supplier, other_tenant.caseworker):
        with pytest.raises(ValidationError):
            time_entry_add(org=tenant.org, actor=tenant.caseworker, case=case, minutes=5, user=user)
    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize("minutes", [0, -3, 24 * 60 + 1])
def test_time_outside_one_minute_to_a_day_is_refused(tenant, case, minutes):
    with pytest.raises(ValidationError):
        time_entry_add(org=tenant.org, actor=tenant.caseworker, case=case, minutes=minutes)


def test_logging_time_through_the_page_shows_the_new_total(tenant, staff_client, case):
    time_entry_add(org=tenant.org, actor=tenant.caseworker, case=case, minutes=30)

    response = staff_client.post(
        case_url(case, "time/"),
        {
            "time-duration": "1:15",
            "time-date": "2031-03-04",
            "time-user": tenant.admin.pk,
            "time-note": "Telefon",
        },
        headers=HX,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "1:45 h in total" in html
    assert f"logged <strong>1:15</strong> for {tenant.admin.full_name}" in html


def test_bad_duration_answers_400_and_keeps_the_input(staff_client, case):
    response = staff_client.post(
        case_url(case, "time/"), {"time-duration": "lots", "time-date": "2031-03-04"}, headers=HX
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter between 1 minute and 24 hours" in html
    assert 'value="lots"' in html
    assert not TimeEntry.objects.exists()


def test_time_for_another_organizations_user_is_refused_by_the_form(
    other_tenant, staff_client, case
):
    response = staff_client.post(
        case_url(case, "time/"),
        {"time-duration": "10", "time-date": "2031-03-04", "time-user": other_tenant.admin.pk},
        headers=HX,
    )

    assert response.status_code == 400
    assert not TimeEntry.objects.exists()
