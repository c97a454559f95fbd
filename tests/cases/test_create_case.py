"""New case typed in by a caseworker ("Ny sak", e.g. during a phone call)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cases.models import Case, CaseEvent, NotificationRequest
from customers.models import Customer
from tests.factories.customers import CustomerFactory, SupplierFactory
from tests.factories.organizations import TeamFactory
from tests.factories.properties import ContainerFactory, PropertyFactory

pytestmark = pytest.mark.django_db


def new_url(org) -> str:
    return reverse("cases:case_new", kwargs={"org_slug": org.slug})


def detail_url(case) -> str:
    return reverse(
        "cases:case_detail", kwargs={"org_slug": case.organization.slug, "number": case.number}
    )


@pytest.fixture
def org(tenant):
    return tenant.org


def test_form_starts_with_phone_as_source_and_normal_priority(org, staff_client):
    response = staff_client.get(new_url(org))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="phone" selected>' in html
    assert '<option value="normal" selected>' in html
    assert '<label for="id_title">' in html


def test_create_with_existing_customer_property_containers_and_people(tenant, org, staff_client):
    customer = CustomerFactory(organization=org, name="Kari Nordmann")
    prop = PropertyFactory(organization=org)
    bin_a, bin_b = ContainerFactory(property=prop), ContainerFactory(property=prop)
    team = TeamFactory(organization=org, name="Reklamasjon")
    supplier = SupplierFactory(organization=org)
    category = org.categories.get(key="warranty_claim")

    response = staff_client.post(
        new_url(org),
        {
            "customer": customer.pk,
            "property": prop.pk,
            "containers": [bin_a.pk, bin_b.pk],
            "title": "Sprekk i flis på bad",
            "description": "Ringte inn, sprekk langs sluket.",
            "category": category.pk,
            "priority": "high",
            "deadline": "2026-09-01",
            "source": "phone",
            "external_reference": "REF-77",
            "assignee": tenant.admin.pk,
            "teams": [team.pk],
            "supplier": supplier.pk,
            "visible_to_customer": "on",
            "new_customer_type": "person",
            "new_customer_kind": "regular",
        },
    )

    case = Case.objects.get(organization=org)
    assert response.status_code == 302
    assert response["Location"] == detail_url(case)
    assert (case.customer, case.property, case.category, case.supplier) == (
        customer,
        prop,
        category,
        supplier,
    )
    assert set(case.containers.all()) == {bin_a, bin_b}
    assert list(case.teams.all()) == [team]
    assert case.assignee == tenant.admin and case.created_by == tenant.caseworker
    assert (case.priority, case.source, case.external_reference) == ("high", "phone", "REF-77")
    assert case.deadline == datetime.date(2026, 9, 1) and case.visible_to_customer
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CREATED).count() == 1


def test_create_with_a_new_customer_registers_the_customer_in_the_organization(org, staff_client):
    response = staff_client.post(
        new_url(org),
        {
            "new_customer_name": "Per Hansen",
            "new_customer_email": "Per@Example.no",
            "new_customer_phone": "+47 900 00 000",
            "new_customer_type": "person",
            "new_customer_kind": "temporary",
            "title": "Dør som ikke lukker",
            "priority": "normal",
            "source": "phone",
        },
    )

    assert response.status_code == 302
    case = Case.objects.get(organization=org)
    assert case.customer.organization == org
    assert (case.customer.name, case.customer.email, case.customer.kind) == (
        "Per Hansen",
        "per@example.no",
        "temporary",
    )


def test_rejected_form_keeps_everything_typed_and_saves_nothing(tenant, org, staff_client):
    customer = CustomerFactory(organization=org, name="Kari Nordmann")
    team = TeamFactory(organization=org, name="Kundeservice")

    response = staff_client.post(
        new_url(org),
        {
            "customer": customer.pk,
            "title": "",
            "description": "Vannet renner ikke ut",
            "priority": "critical",
            "deadline": "2026-10-11",
            "source": "email",
            "external_reference": "X-1",
            "assignee": tenant.admin.pk,
            "teams": [team.pk],
            "notify_customer_sms": "on",
            "new_customer_type": "person",
            "new_customer_kind": "regular",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in html
    assert "Vannet renner ikke ut" in html
    assert f'<option value="{customer.pk}" selected>Kari Nordmann' in html
    assert '<option value="critical" selected>' in html
    assert '<option value="email" selected>' in html
    assert 'value="2026-10-11"' in html and 'value="X-1"' in html
    assert f'<option value="{tenant.admin.pk}" selected>' in html
    assert f'value="{team.pk}" id="id_teams_0" checked' in html
    assert 'name="notify_customer_sms" id="id_notify_customer_sms" checked' in html
    assert not Case.objects.exists()


def test_a_bad_new_customer_is_reported_next_to_its_field_and_nothing_is_saved(org, staff_client):
    response = staff_client.post(
        new_url(org),
        {
            "new_customer_name": "Per Hansen",
            "new_customer_email": "not an address",
            "new_customer_type": "person",
            "new_customer_kind": "regular",
            "title": "Lekkasje",
            "priority": "normal",
            "source": "phone",
        },
    )

    assert response.status_code == 200
    assert "Enter a valid e-mail address." in response.content.decode()
    assert not Customer.objects.exists() and not Case.objects.exists()


def test_choosing_a_customer_and_typing_a_new_one_is_an_error(org, staff_client):
    customer = CustomerFactory(organization=org)

    response = staff_client.post(
        new_url(org),
        {
            "customer": customer.pk,
            "new_customer_name": "Someone else",
            "new_customer_type": "person",
            "new_customer_kind": "regular",
            "title": "Either or",
            "priority": "normal",
            "source": "phone",
        },
    )

    assert "Pick an existing customer or create a new one, not both." in response.content.decode()
    assert not Case.objects.exists()


def test_customer_property_or_container_of_another_organization_is_refused(
    org, other_tenant, staff_client
):
    foreign_customer = CustomerFactory(organization=other_tenant.org)
    foreign_property = PropertyFactory(organization=other_tenant.org)
    foreign_bin = ContainerFactory(property=foreign_property)
    own_property = PropertyFactory(organization=org)
    base = {
        "title": "Sneaky",
        "priority": "normal",
        "source": "phone",
        "new_customer_type": "person",
        "new_customer_kind": "regular",
    }

    for extra in (
        {"customer": foreign_customer.pk},
        {"property": foreign_property.pk},
        {"property": own_property.pk, "containers": [foreign_bin.pk]},
    ):
        response = staff_client.post(new_url(org), {**base, **extra})
        assert response.status_code == 200
        assert not Case.objects.exists()
    assert foreign_customer.name not in response.content.decode()


def test_containers_must_stand_at_the_chosen_property(org, staff_client):
    here, there = PropertyFactory(organization=org), PropertyFactory(organization=org)
    elsewhere_bin = ContainerFactory(property=there)

    response = staff_client.post(
        new_url(org),
        {
            "property": here.pk,
            "containers": [elsewhere_bin.pk],
            "title": "Manglende tømning",
            "priority": "normal",
            "source": "phone",
            "new_customer_type": "person",
            "new_customer_kind": "regular",
        },
    )

    assert "Choose containers that stand at the chosen property." in response.content.decode()


def test_assignee_team_and_supplier_choices_are_limited_to_the_organization(
    tenant, org, other_tenant, staff_client
):
    TeamFactory(organization=other_tenant.org, name="Foreign team")
    SupplierFactory(organization=other_tenant.org, name="Foreign supplier AS")

    html = staff_client.get(new_url(org)).content.decode()

    assert "Foreign team" not in html and "Foreign supplier AS" not in html
    assert str(other_tenant.admin) not in html
    assert str(tenant.supplier) not in html  # supplier users are not staff


def test_an_inactive_supplier_is_not_offered_nor_accepted(org, staff_client):
    retired = SupplierFactory(organization=org, name="Retired AS", is_active=False)

    assert "Retired AS" not in staff_client.get(new_url(org)).content.decode()
    response = staff_client.post(new_url(org), {"title": "Leak", "supplier": retired.pk})

    assert "supplier" in response.context["form"].errors
    assert not Case.objects.filter(organization=org).exists()


def test_search_button_shows_matches_keeps_input_and_saves_nothing(org, staff_client):
    CustomerFactory(organization=org, name="Kari Nordmann")
    CustomerFactory(organization=org, name="Ola Hansen")
    PropertyFactory(organization=org, address="Solveien 3")

    response = staff_client.post(
        new_url(org),
        {
            "_refresh": "customer",
            "customer_search": "Nordmann",
            "property_search": "Solveien",
            "title": "Half typed",
            "priority": "high",
            "source": "phone",
            "new_customer_type": "person",
            "new_customer_kind": "regular",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Kari Nordmann" in html and "Ola Hansen" not in html
    assert "Solveien 3" in html
    assert 'value="Half typed"' in html and '<option value="high" selected>' in html
    assert "This field is required." not in html
    assert not Case.objects.exists()


def test_choosing_a_property_lists_its_containers(org, staff_client):
    prop = PropertyFactory(organization=org)
    ContainerFactory(property=prop, container_id="B-100", fraction="Papp")

    response = staff_client.post(
        new_url(org),
        {"_refresh": "property", "property": prop.pk, "title": "", "priority": "normal"},
    )

    assert "B-100 (Papp)" in response.content.decode()


def test_prefill_from_the_customer_page(org, staff_client):
    customer = CustomerFactory(organization=org, name="Kari Nordmann")

    html = staff_client.get(new_url(org) + f"?customer={customer.pk}").content.decode()

    assert f'<option value="{customer.pk}" selected>Kari Nordmann' in html


def test_prefill_with_another_organizations_customer_shows_nothing(org, other_tenant, staff_client):
    foreign = CustomerFactory(organization=other_tenant.org, name="Secret Person")

    html = staff_client.get(new_url(org) + f"?customer={foreign.pk}").content.decode()

    assert "Secret Person" not in html


def test_notifications_are_requested_as_ticked(org, staff_client):
    customer = CustomerFactory(organization=org)
    supplier = SupplierFactory(organization=org)

    staff_client.post(
        new_url(org),
        {
            "customer": customer.pk,
            "supplier": supplier.pk,
            "title": "Varsle",
            "priority": "normal",
            "source": "phone",
            "notify_customer_email": "on",
            "notify_supplier_email": "on",
            "new_customer_type": "person",
            "new_customer_kind": "regular",
        },
    )

    requests = NotificationRequest.objects.filter(case__organization=org)
    assert {(r.audience, r.channel, r.reason) for r in requests} == {
        ("customer", "email", "case_created"),
        ("supplier", "email", "case_created"),
    }


def test_notify_supplier_without_supplier_is_an_error(org, staff_client):
    response = staff_client.post(
        new_url(org),
        {
            "title": "Varsle",
            "priority": "normal",
            "source": "phone",
            "notify_supplier_email": "on",
            "new_customer_type": "person",
            "new_customer_kind": "regular",
        },
    )

    assert "Choose the supplier to notify." in response.content.decode()


def test_new_case_numbers_follow_each_other(org, staff_client):
    data = {
        "title": "Case",
        "priority": "normal",
        "source": "phone",
        "new_customer_type": "person",
        "new_customer_kind": "regular",
    }
    for _ in range(3):
        staff_client.post(new_url(org), data)

    assert list(
        Case.objects.filter(organization=org).order_by("number").values_list("number", flat=True)
    ) == [1, 2, 3]


def test_outsider_gets_404_for_new_case(org, outsider_client):
    assert outsider_client.get(new_url(org)).status_code == 404
    response = outsider_client.post(new_url(org), {"title": "x", "priority": "normal"})
    assert response.status_code == 404
    assert not Case.objects.exists()


def test_supplier_gets_403_for_new_case(tenant):
    assert tenant.client_for(tenant.supplier).get(new_url(tenant.org)).status_code == 403
