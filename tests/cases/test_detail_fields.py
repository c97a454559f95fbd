"""Editing the case in place: header fields, close and reopen, links to customer, property and
containers. htmx gets the changed part plus the new history entries; without htmx the page
redirects back (and shows a bound form with its errors)."""

from __future__ import annotations

import pytest

from cases.models import Case, CaseEvent
from notifications.models import Notification
from organizations.models import Membership
from tests.cases.detail_support import HX, case_url, rich_case
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory, SupplierFactory
from tests.factories.organizations import MembershipFactory, TeamFactory, UserFactory
from tests.factories.properties import ContainerFactory, PropertyFactory


@pytest.fixture
def case(tenant) -> Case:
    return make_case(tenant.org, tenant.caseworker, title="Vannlekkasje")


def _post_field(client, case, field, data, htmx=True):
    return client.post(case_url(case, f"field/{field}/"), data, headers=HX if htmx else {})


def _editor(client, case, field) -> str:
    response = client.get(case_url(case, f"field/{field}/"), headers=HX)
    assert response.status_code == 200
    return response.content.decode()


def test_status_change_returns_the_panel_header_and_the_new_history_entry(
    tenant, staff_client, case
):
    response = _post_field(staff_client, case, "status", {"status": "in_progress"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<aside id="case-panel"')
    header = html.split('<section id="case-header"')[1].split(">")[0]
    assert 'hx-swap-oob="true"' in header
    assert '<span class="pill status-in_progress">' in html
    assert 'hx-swap-oob="beforeend:#timeline-list"' in html
    assert "changed the status from" in html and "In progress" in html
    assert "Status saved." in html
    case.refresh_from_db()
    assert case.status == "in_progress"
    event = CaseEvent.objects.get(case=case, kind="status")
    assert (event.old_value, event.new_value, event.actor) == (
        "new",
        "in_progress",
        tenant.caseworker,
    )


def test_assignee_change_notifies_the_new_assignee(tenant, staff_client, case):
    response = _post_field(staff_client, case, "assignee", {"assignee": tenant.admin.pk})

    assert response.status_code == 200
    case.refresh_from_db()
    assert case.assignee == tenant.admin
    event = CaseEvent.objects.get(case=case, kind="assignee")
    assert event.new_value == str(tenant.admin)
    assert Notification.objects.filter(recipient=tenant.admin, kind="assigned").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "kind", "expected"),
    [
        ("priority", "critical", "priority", "critical"),
        ("deadline", "2031-05-17", "deadline", "2031-05-17"),
        ("source", "phone", "field", "phone"),
        ("external_reference", "REF-9", "field", "REF-9"),
        ("title", "Ny tittel", "field", "Ny tittel"),
    ],
)
def test_plain_header_fields_write_one_event_with_old_and_new(
    tenant, staff_client, case, field, value, kind, expected
):
    old = getattr(case, field)

    response = _post_field(staff_client, case, field, {field: value})

    assert response.status_code == 200
    event = CaseEvent.objects.get(case=case, kind=kind, field=field)
    assert event.new_value == expected
    assert event.old_value == ("" if old is None else str(old))


def test_category_team_and_supplier_changes_write_events(tenant, staff_client, case):
    category = tenant.org.categories.get(key="fault_report")
    team = TeamFactory(organization=tenant.org, name="Drift")
    supplier = SupplierFactory(organization=tenant.org, name="Rørlegger AS")

    _post_field(staff_client, case, "category", {"category": category.pk})
    _post_field(staff_client, case, "teams", {"teams": [team.pk]})
    _post_field(staff_client, case, "supplier", {"supplier": supplier.pk})

    events = {e.kind: e for e in CaseEvent.objects.filter(case=case)}
    assert events["category"].new_value == category.name
    assert (events["teams"].old_value, events["teams"].new_value) == ("", "Drift")
    assert events["supplier"].new_value == "Rørlegger AS"


def test_unknown_status_is_refused_with_400_and_the_panel_keeps_the_editor(staff_client, case):
    response = _post_field(staff_client, case, "status", {"status": "bogus"})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="case-panel"' in html
    assert 'class="prop editing" id="prop-status"' in html
    assert "Select a valid choice" in html
    case.refresh_from_db()
    assert case.status == "new"
    assert not CaseEvent.objects.filter(case=case, kind="status").exists()


def test_bad_deadline_keeps_what_was_typed(staff_client, case):
    response = _post_field(staff_client, case, "deadline", {"deadline": "31.02.2030"})

    assert response.status_code == 400
    assert 'value="31.02.2030"' in response.content.decode()


def test_another_organizations_assignee_is_refused(tenant, other_tenant, staff_client, case):
    response = _post_field(staff_client, case, "assignee", {"assignee": other_tenant.caseworker.pk})

    assert response.status_code == 400
    case.refresh_from_db()
    assert case.assignee is None


def test_supplier_member_cannot_be_made_assignee(tenant, staff_client, case):
    response = _post_field(staff_client, case, "assignee", {"assignee": tenant.supplier.pk})

    assert response.status_code == 400


def test_another_organizations_supplier_is_refused(other_tenant, staff_client, case):
    foreign = SupplierFactory(organization=other_tenant.org)

    response = _post_field(staff_client, case, "supplier", {"supplier": foreign.pk})

    assert response.status_code == 400
    case.refresh_from_db()
    assert case.supplier is None


def test_unknown_field_name_gives_404(staff_client, case):
    assert _post_field(staff_client, case, "organization", {"organization": 1}).status_code == 404


def test_field_change_without_htmx_redirects_back_to_the_case(staff_client, case):
    response = _post_field(staff_client, case, "priority", {"priority": "high"}, htmx=False)

    assert response.status_code == 302
    assert response["Location"] == case_url(case)


def test_field_error_without_htmx_renders_the_whole_page_with_the_error(staff_client, case):
    response = _post_field(staff_client, case, "priority", {"priority": "urgent"}, htmx=False)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="timeline-list"' in html and "Select a valid choice" in html


def test_saving_the_same_value_writes_no_event(staff_client, case):
    response = _post_field(staff_client, case, "priority", {"priority": "normal"})

    assert response.status_code == 200
    assert "Nothing changed." in response.content.decode()
    assert not CaseEvent.objects.filter(case=case, kind="priority").exists()


# --- Close and reopen -----------------------------------------------------------------------


def test_close_needs_a_resolution(staff_client, case):
    response = staff_client.post(case_url(case, "close/"), {"resolution": "  "}, headers=HX)

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    case.refresh_from_db()
    assert case.status == "new"


def test_close_with_resolution_then_reopen(tenant, staff_client, case):
    response = staff_client.post(
        case_url(case, "close/"), {"resolution": "Byttet pakning"}, headers=HX
    )

    assert response.status_code == 200
    case.refresh_from_db()
    assert (case.status, case.resolution) == ("closed", "Byttet pakning")
    assert case.closed_at is not None
    html = response.content.decode()
    assert "Reopen case" in html and "Byttet pakning" in html

    response = staff_client.post(case_url(case, "reopen/"), {"status": "in_progress"}, headers=HX)

    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == "in_progress" and case.closed_at is None
    statuses = list(
        CaseEvent.objects.filter(case=case, kind="status").values_list("old_value", "new_value")
    )
    assert statuses == [("new", "closed"), ("closed", "in_progress")]


def test_reopening_an_open_case_is_refused(staff_client, case):
    response = staff_client.post(case_url(case, "reopen/"), {"status": "new"}, headers=HX)

    assert response.status_code == 400
    assert "already open" in response.content.decode()


# --- Customer, property and containers (side panel) ------------------------------------------


def test_unlinking_the_customer_writes_an_event_and_keeps_the_customer(tenant, staff_client):
    case = rich_case(tenant)
    customer = case.customer

    response = _post_field(staff_client, case, "customer", {"customer": ""})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="case-panel"' in html
    assert "unlinked the customer" in html
    case.refresh_from_db()
    assert case.customer is None
    customer.refresh_from_db()  # still exists
    event = CaseEvent.objects.get(case=case, kind="customer")
    assert (event.old_value, event.new_value) == ("Kari Nordmann", "")


def test_property_contact_can_become_the_case_contact(tenant, staff_client):
    case = rich_case(tenant)
    other = CustomerFactory(organization=tenant.org, name="Ola Eier")

    response = _post_field(staff_client, case, "customer", {"customer": other.pk})

    assert response.status_code == 200
    case.refresh_from_db()
    assert case.customer == other


def test_another_organizations_customer_cannot_be_linked(other_tenant, staff_client, case):
    foreign = CustomerFactory(organization=other_tenant.org)

    response = _post_field(staff_client, case, "customer", {"customer": foreign.pk})

    assert response.status_code == 400
    case.refresh_from_db()
    assert case.customer is None


def test_property_change_writes_an_event(tenant, staff_client, case):
    prop = PropertyFactory(organization=tenant.org, address="Kirkeveien 3")

    _post_field(staff_client, case, "property", {"property": prop.pk})

    case.refresh_from_db()
    assert case.property == prop
    assert CaseEvent.objects.get(case=case, kind="property").new_value == "Kirkeveien 3"


def test_containers_are_linked_and_unlinked_with_events(tenant, staff_client):
    case = rich_case(tenant)
    first = case.containers.get()
    second = ContainerFactory(property=case.property, container_id="B-4712")

    _post_field(staff_client, case, "containers", {"containers": [first.pk, second.pk]})
    _post_field(staff_client, case, "containers", {"containers": [second.pk]})

    assert list(case.containers.all()) == [second]
    events = list(CaseEvent.objects.filter(case=case, kind="containers").order_by("id"))
    assert len(events) == 2
    assert events[1].old_value == f"{first}, {second}" and events[1].new_value == str(second)


def test_container_of_another_organization_cannot_be_linked(other_tenant, tenant, staff_client):
    case = rich_case(tenant)
    foreign = ContainerFactory(property=PropertyFactory(organization=other_tenant.org))

    response = _post_field(staff_client, case, "containers", {"containers": [foreign.pk]})

    assert response.status_code == 400
    assert foreign not in case.containers.all()


def test_assignee_picker_offers_only_active_staff_of_the_organization(
    tenant, other_tenant, staff_client, case
):
    gone = UserFactory(full_name="Former Colleague")
    MembershipFactory(organization=tenant.org, user=gone, is_active=False)
    # A caseworker elsewhere and supplier here must not count as staff here.
    MembershipFactory(
        organization=other_tenant.org, user=tenant.supplier, role=Membership.Role.CASEWORKER
    )

    html = _editor(staff_client, case, "assignee")
    picker = html[html.index('<select name="assignee"') :].split("</select>")[0]

    assert tenant.admin.full_name in picker and tenant.caseworker.full_name in picker
    assert "Former Colleague" not in picker
    assert tenant.supplier.full_name not in picker
    assert other_tenant.caseworker.full_name not in picker


def test_deadline_event_renders_dates_in_the_readers_format(tenant, staff_client, case):
    _post_field(staff_client, case, "deadline", {"deadline": "2031-05-17"})

    html = staff_client.get(case_url(case)).content.decode()

    timeline = html.split('id="timeline-list"')[1].split("</ol>")[0]
    assert "changed the deadline" in timeline
    assert "05/17/2031" in timeline
    assert "2031-05-17" not in timeline
