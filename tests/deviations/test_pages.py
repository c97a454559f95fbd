"""The deviation pages: register (on its own and from a case), edit, the page with its history
and status changes, the list's filters, the menu entry; forms keep what was typed on errors."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Deviation, DeviationFile
from cases.services.deviations import deviation_close, deviation_reopen
from tests.cases.detail_support import png_upload
from tests.deviations.support import HX, deviation_url, list_url, make_deviation
from tests.factories.cases import make_case
from tests.factories.properties import PropertyFactory


def form_data(**fields) -> dict:
    data = {
        "title": "Ice on the entrance steps",
        "type": "hazard",
        "severity": "high",
        "description": "Nobody has gritted since Monday.",
        "location": "Main entrance",
        "responsible": "",
        "due_date": "",
        "corrective_action": "",
    }
    data.update(fields)
    return data


def test_menu_links_to_the_register(staff_client, tenant):
    page = staff_client.get(f"/{tenant.org.slug}/").content.decode()

    assert f'href="/{tenant.org.slug}/deviations/"' in page


def test_register_a_deviation_with_a_photo(tenant, staff_client):
    prop = PropertyFactory(organization=tenant.org, address="Solbakken 12")

    response = staff_client.post(
        list_url(tenant, "new/"),
        {**form_data(property=prop.pk, responsible=tenant.admin.pk), "files": [png_upload()]},
    )

    deviation = Deviation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == deviation_url(deviation)
    assert (deviation.type, deviation.severity, deviation.property, deviation.responsible) == (
        "hazard",
        "high",
        prop,
        tenant.admin,
    )
    assert deviation.created_by == tenant.caseworker
    assert DeviationFile.objects.filter(deviation=deviation).count() == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"due_date": "1899-05-17"}, "due_date", "Choose a date between"),
        ({"due_date": "20255-01-01"}, "due_date", "Enter a valid date."),
        ({"type": "flood"}, "type", "Select a valid choice."),
        ({"responsible": "999999"}, "responsible", "Select a valid choice."),
        ({"property": "999999"}, "property", "Choose a property from the list."),
    ],
)
def test_a_rejected_form_keeps_what_was_typed(tenant, staff_client, fields, field, message):
    response = staff_client.post(list_url(tenant, "new/"), form_data(**fields), headers=HX)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Nobody has gritted since Monday." in page
    assert 'value="Main entrance"' in page
    assert not Deviation.objects.exists()


def test_property_search_without_javascript_keeps_the_form(tenant, staff_client):
    PropertyFactory(organization=tenant.org, address="Solbakken 12")

    response = staff_client.post(
        list_url(tenant, "new/"), {**form_data(property_search="Solbakken"), "_refresh": "1"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Solbakken 12" in page
    assert "Nobody has gritted since Monday." in page
    assert not Deviation.objects.exists()


def test_register_from_a_case_is_prefilled_and_linked_both_ways(tenant, staff_client):
    prop = PropertyFactory(organization=tenant.org, address="Solbakken 12")
    case = make_case(
        tenant.org,
        tenant.caseworker,
        title="Water in the cellar",
        description="Pipe leak",
        property=prop,
    )

    form = staff_client.get(list_url(tenant, f"new/?case={case.number}")).content.decode()
    assert 'value="Water in the cellar"' in form
    assert "Pipe leak" in form
    assert f'<option value="{prop.pk}" selected>' in form

    staff_client.post(
        list_url(tenant, f"new/?case={case.number}"),
        form_data(title="Water in the cellar", property=prop.pk),
    )
    deviation = Deviation.objects.get()
    assert deviation.case == case
    case_page = staff_client.get(f"/{tenant.org.slug}/cases/{case.number}/").content.decode()
    assert deviation_url(deviation) in case_page
    page = staff_client.get(deviation_url(deviation)).content.decode()
    assert f'href="/{tenant.org.slug}/cases/{case.number}/"' in page


def test_register_from_another_organizations_case_is_404(tenant, other_tenant, staff_client):
    foreign = make_case(other_tenant.org, other_tenant.caseworker)

    assert staff_client.get(list_url(tenant, f"new/?case={foreign.number}")).status_code == 404
    assert staff_client.get(list_url(tenant, "new/?case=abc")).status_code == 404


def test_edit_shows_old_and_new_values_in_the_history(tenant, staff_client):
    deviation = make_deviation(tenant, severity="low", location="Cellar")

    response = staff_client.post(
        deviation_url(deviation, "edit/"),
        form_data(title=deviation.title, severity="critical", location="Cellar, room 2"),
    )
    assert response.status_code == 302

    page = staff_client.get(deviation_url(deviation)).content.decode()
    assert "<del>Low</del> → Critical" in page
    assert "<del>Cellar</del> → Cellar, room 2" in page


def test_edit_form_is_filled_with_the_deviation(tenant, staff_client):
    deviation = make_deviation(tenant, location="Boiler room", due_date=datetime.date(2031, 1, 2))

    page = staff_client.get(deviation_url(deviation, "edit/")).content.decode()

    assert 'value="Boiler room"' in page
    assert 'value="2031-01-02"' in page


def test_status_buttons_move_the_deviation_and_closing_asks_for_the_action(tenant, staff_client):
    deviation = make_deviation(tenant)

    staff_client.post(deviation_url(deviation, "status/"), {"status-status": "in_treatment"})
    deviation.refresh_from_db()
    assert deviation.status == "in_treatment"

    response = staff_client.post(
        deviation_url(deviation, "status/"),
        {"status-status": "closed", "status-corrective_action": ""},
        headers=HX,
    )
    assert response.status_code == 400
    assert "Describe the corrective action" in response.content.decode()
    deviation.refresh_from_db()
    assert deviation.status == "in_treatment"

    staff_client.post(
        deviation_url(deviation, "status/"),
        {"status-status": "closed", "status-corrective_action": "Gritted; added to the routine."},
    )
    deviation.refresh_from_db()
    assert (deviation.status, deviation.corrective_action) == (
        "closed",
        "Gritted; added to the routine.",
    )

    staff_client.post(deviation_url(deviation, "status/"), {"status-status": "open"})
    deviation.refresh_from_db()
    assert deviation.status == "open"


def test_page_costs_the_same_queries_for_1_and_30_history_entries(tenant, staff_client):
    small = make_deviation(tenant)
    big = make_deviation(tenant, corrective_action="Done")
    for _ in range(10):
        deviation_close(org=tenant.org, actor=tenant.admin, deviation=big)
        deviation_reopen(org=tenant.org, actor=tenant.admin, deviation=big)
    staff_client.get(deviation_url(small))

    with CaptureQueriesContext(connection) as first:
        staff_client.get(deviation_url(small))
    with CaptureQueriesContext(connection) as second:
        response = staff_client.get(deviation_url(big))

    assert len(second) == len(first)
    assert response.content.decode().count('class="event"') == 21


def test_list_filters(tenant, staff_client):
    prop = PropertyFactory(organization=tenant.org, address="Solbakken 12")
    overdue = make_deviation(
        tenant, title="Overdue one", due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    mine = make_deviation(
        tenant,
        title="Critical at Solbakken",
        severity="critical",
        property=prop,
        responsible=tenant.caseworker,
        type="environment",
    )
    closed = make_deviation(tenant, title="Closed one", corrective_action="Done")
    deviation_close(org=tenant.org, actor=tenant.admin, deviation=closed)

    def titles(**params) -> set[str]:
        page = staff_client.get(list_url(tenant), params).content.decode()
        return {d.title for d in (overdue, mine, closed) if f'id="deviation-{d.number}"' in page}

    assert titles() == {"Overdue one", "Critical at Solbakken", "Closed one"}
    assert titles(status="open") == {"Overdue one", "Critical at Solbakken"}
    assert titles(status="closed") == {"Closed one"}
    assert titles(severity="critical") == {"Critical at Solbakken"}
    assert titles(type="environment") == {"Critical at Solbakken"}
    assert titles(property=prop.pk) == {"Critical at Solbakken"}
    assert titles(responsible=tenant.caseworker.pk) == {"Critical at Solbakken"}
    assert titles(responsible="none") == {"Overdue one", "Closed one"}
    assert titles(overdue="on") == {"Overdue one"}
    assert titles(q=str(closed.number)) == {"Closed one"}


def test_list_reports_a_bad_filter_and_applies_the_rest(tenant, staff_client):
    make_deviation(tenant, title="Kept", severity="high")

    response = staff_client.get(list_url(tenant), {"severity": "extreme", "status": "open"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice." in page
    assert "Kept" in page


def test_list_with_another_organizations_property_shows_nothing_of_it(
    tenant, other_tenant, staff_client
):
    foreign = PropertyFactory(organization=other_tenant.org, address="Hemmelig vei 1")
    make_deviation(tenant, title="Ours")

    page = staff_client.get(list_url(tenant), {"property": foreign.pk}).content.decode()

    assert "Hemmelig vei 1" not in page
    assert "Choose a property from the list." in page


def test_list_costs_the_same_queries_for_1_and_40_rows(tenant, staff_client):
    prop = PropertyFactory(organization=tenant.org, address="Solbakken 12")
    make_deviation(tenant, property=prop, responsible=tenant.admin)
    staff_client.get(list_url(tenant))
    with CaptureQueriesContext(connection) as one:
        staff_client.get(list_url(tenant))
    for n in range(39):
        make_deviation(tenant, title=f"Row {n}", property=prop, responsible=tenant.caseworker)

    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(list_url(tenant))

    assert len(many) == len(one)
    assert response.content.decode().count('id="deviation-') == 40
