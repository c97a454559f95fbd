"""New case: picking a customer suggests their property (issue 14)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from cases.views.lists_create import customer_property
from customers.models import ContactRole
from tests.factories.customers import CustomerFactory
from tests.factories.properties import PropertyFactory


def _role(org, customer, prop, role="owner", **fields):
    return ContactRole.objects.create(
        organization=org, customer=customer, property=prop, role=role, **fields
    )


def _customer(org, **fields):
    return CustomerFactory(organization=org, name=fields.pop("name", "Kari Kunde"), **fields)


def test_the_owners_current_property_is_suggested(tenant):
    org = tenant.org
    customer = _customer(org)
    rented = PropertyFactory(organization=org, address="Leieveien 1")
    owned = PropertyFactory(organization=org, address="Eieveien 2")
    sold = PropertyFactory(organization=org, address="Solgtveien 3")
    _role(org, customer, rented, role="resident")
    _role(org, customer, owned, role="owner")
    _role(org, customer, sold, role="owner", end_date=datetime.date(2020, 1, 1))
    assert customer_property(org, customer.pk) == owned
    assert customer_property(org, None) is None
    assert customer_property(org, _customer(org, name="Ingen Eiendom").pk) is None


def test_the_json_answers_the_suggestion(tenant, staff_client):
    customer = _customer(tenant.org)
    prop = PropertyFactory(organization=tenant.org, address="Fjordveien 7")
    _role(tenant.org, customer, prop)
    url = reverse("cases:case_new_property", kwargs={"org_slug": "alpha"})
    data = staff_client.get(url, {"customer": customer.pk}).json()
    assert data["property"]["id"] == prop.pk
    assert "Fjordveien 7" in data["property"]["label"]
    assert staff_client.get(url, {"customer": "x"}).json() == {"property": None}


def test_without_javascript_the_form_fills_in_the_property(tenant, staff_client):
    customer = _customer(tenant.org)
    prop = PropertyFactory(organization=tenant.org, address="Fjordveien 7")
    _role(tenant.org, customer, prop)
    url = reverse("cases:case_new", kwargs={"org_slug": "alpha"})
    page = staff_client.get(url, {"customer": customer.pk}).content.decode()
    assert f'<option value="{prop.pk}" selected>' in page
    page = staff_client.post(
        url, {"customer": customer.pk, "_refresh": "customer", "title": "Lekkasje"}
    ).content.decode()
    assert f'<option value="{prop.pk}" selected>' in page


def test_another_organizations_customer_suggests_nothing(tenant, other_tenant, staff_client):
    foreign = _customer(other_tenant.org)
    _role(other_tenant.org, foreign, PropertyFactory(organization=other_tenant.org))
    assert customer_property(tenant.org, foreign.pk) is None
    url = reverse("cases:case_new_property", kwargs={"org_slug": "alpha"})
    assert staff_client.get(url, {"customer": foreign.pk}).json() == {"property": None}


def test_outsiders_get_404(tenant, outsider_client):
    url = reverse("cases:case_new_property", kwargs={"org_slug": "alpha"})
    assert outsider_client.get(url, {"customer": 1}).status_code == 404
