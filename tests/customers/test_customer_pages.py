"""Customer pages: list with search and pagination, the customer page, create and edit."""

from __future__ import annotations

import datetime
import re

import pytest

from customers.models import Customer
from tests.customers.querycount import queries_for_page
from tests.factories.customers import ContactRoleFactory, CustomerFactory
from tests.factories.properties import AgreementFactory, PropertyFactory


def _url(tenant, path: str = "") -> str:
    return f"/{tenant.org.slug}/customers/{path}"


def _detail_links(tenant, html: str) -> set[str]:
    return set(re.findall(rf'href="/{tenant.org.slug}/customers/(\d+)/"', html))


# --- List ---------------------------------------------------------------------------------


def test_customer_list_shows_the_organizations_customers(tenant, other_tenant, staff_client):
    CustomerFactory(organization=tenant.org, name="Ingrid Solberg", email="ingrid@epost.example")
    CustomerFactory(organization=other_tenant.org, name="Beta Kunde")

    response = staff_client.get(_url(tenant))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ingrid Solberg" in html
    assert "ingrid@epost.example" in html
    assert "Beta Kunde" not in html
    assert "1 customer" in html


def test_customer_list_searches_and_keeps_the_query_in_the_box(tenant, staff_client):
    # Fixed addresses: Faker's random Norwegian streets can contain "Solberg" too.
    CustomerFactory(organization=tenant.org, name="Ingrid Solberg", address="Storgata 1")
    CustomerFactory(organization=tenant.org, name="Nora Bakken", address="Kirkegata 2")

    response = staff_client.get(_url(tenant), {"q": "solberg"})

    html = response.content.decode()
    assert "Ingrid Solberg" in html
    assert "Nora Bakken" not in html
    assert 'value="solberg"' in html


def test_customer_list_says_when_nothing_matches(tenant, staff_client):
    response = staff_client.get(_url(tenant), {"q": "nobody"})

    assert "No customers match your search." in response.content.decode()


def test_customer_list_paginates_and_links_the_next_page_with_the_query(tenant, staff_client):
    CustomerFactory.create_batch(51, organization=tenant.org, city="Trondheim")

    first = staff_client.get(_url(tenant), {"q": "Trondheim"}).content.decode()
    second = staff_client.get(_url(tenant), {"q": "Trondheim", "page": 2}).content.decode()

    assert "Page 1 of 2" in first
    assert "?q=Trondheim&amp;page=2" in first
    assert "Page 2 of 2" in second
    assert len(_detail_links(tenant, first)) == 50
    assert len(_detail_links(tenant, second)) == 1


def test_customer_list_costs_the_same_queries_for_1_and_50_rows(
    tenant, staff_client, django_assert_num_queries
):
    CustomerFactory(organization=tenant.org)
    one_row = queries_for_page(staff_client, _url(tenant))

    CustomerFactory.create_batch(49, organization=tenant.org)

    with django_assert_num_queries(one_row):
        response = staff_client.get(_url(tenant))
    assert len(_detail_links(tenant, response.content.decode())) == 50


# --- Customer page ------------------------------------------------------------------------


@pytest.fixture
def ingrid(tenant):
    return CustomerFactory(
        organization=tenant.org,
        name="Ingrid Solberg",
        email="ingrid@epost.example",
        phone="+47 912 34 501",
    )


def test_customer_page_shows_details_roles_agreements_and_loads_cases(tenant, staff_client, ingrid):
    home = PropertyFactory(organization=tenant.org, name="Leilighet A-H0101")
    ContactRoleFactory(
        customer=ingrid, property=home, role="co_owner", start_date=datetime.date(2025, 6, 15)
    )
    AgreementFactory(property=home, customer=ingrid, price=1250, currency="NOK")

    response = staff_client.get(_url(tenant, f"{ingrid.pk}/"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ingrid Solberg" in html
    assert "+47 912 34 501" in html
    assert "Leilighet A-H0101" in html
    assert "Co-owner" in html
    assert "1250.00 NOK" in html
    cases_url = f"/{tenant.org.slug}/cases/?customer={ingrid.pk}"
    assert f'hx-get="{cases_url}&fragment=1" hx-trigger="load"' in html
    assert f'href="{cases_url}"' in html


def test_customer_page_shows_company_details_only_for_companies(tenant, staff_client):
    company = CustomerFactory(
        organization=tenant.org, customer_type="company", org_number="925 114 302"
    )

    html = staff_client.get(_url(tenant, f"{company.pk}/")).content.decode()

    assert "925 114 302" in html
    assert "Organization number" in html


def test_unknown_customer_is_404(tenant, staff_client):
    assert staff_client.get(_url(tenant, "999999/")).status_code == 404


# --- Create and edit ----------------------------------------------------------------------


def test_caseworker_creates_a_customer(tenant, staff_client):
    response = staff_client.post(
        _url(tenant, "new/"),
        {
            "customer_type": "person",
            "kind": "regular",
            "name": "Nora Bakken",
            "email": "Nora.Bakken@Epost.Example",
            "phone": "+47 913 22 118",
        },
    )

    customer = Customer.objects.get(organization=tenant.org, name="Nora Bakken")
    assert response.status_code == 302
    assert response["Location"] == _url(tenant, f"{customer.pk}/")
    assert customer.email == "nora.bakken@epost.example"


def test_create_form_keeps_typed_input_when_the_name_is_missing(tenant, staff_client):
    response = staff_client.post(
        _url(tenant, "new/"),
        {
            "customer_type": "person",
            "kind": "regular",
            "name": "",
            "email": "nora@epost.example",
            "phone": "+47 913 22 118",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter the name." in html
    assert 'value="nora@epost.example"' in html
    assert 'value="+47 913 22 118"' in html
    assert not Customer.objects.exists()


def test_create_form_keeps_typed_input_when_a_person_gets_company_details(tenant, staff_client):
    response = staff_client.post(
        _url(tenant, "new/"),
        {
            "customer_type": "person",
            "kind": "regular",
            "name": "Nora Bakken",
            "org_number": "925 114 302",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Only companies have this; clear it or choose company." in html
    assert 'value="Nora Bakken"' in html
    assert 'value="925 114 302"' in html
    assert not Customer.objects.exists()


def test_create_form_answers_400_to_htmx_on_error(tenant, staff_client):
    response = staff_client.post(
        _url(tenant, "new/"),
        {"customer_type": "person", "kind": "regular", "name": ""},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400


def test_edit_form_shows_the_current_values(tenant, staff_client, ingrid):
    html = staff_client.get(_url(tenant, f"{ingrid.pk}/edit/")).content.decode()

    assert 'value="Ingrid Solberg"' in html
    assert 'value="ingrid@epost.example"' in html


def test_caseworker_edits_a_customer(tenant, staff_client, ingrid):
    response = staff_client.post(
        _url(tenant, f"{ingrid.pk}/edit/"),
        {
            "customer_type": "company",
            "kind": "prospect",
            "name": "Solberg Eiendom AS",
            "org_number": "912 345 678",
        },
    )

    ingrid.refresh_from_db()
    assert response.status_code == 302
    assert (ingrid.name, ingrid.customer_type, ingrid.kind, ingrid.org_number) == (
        "Solberg Eiendom AS",
        "company",
        "prospect",
        "912 345 678",
    )
    assert ingrid.email == ""


def test_edit_form_keeps_typed_input_on_error(tenant, staff_client, ingrid):
    response = staff_client.post(
        _url(tenant, f"{ingrid.pk}/edit/"),
        {"customer_type": "person", "kind": "regular", "name": "Ingrid S", "email": "bad@"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Ingrid S"' in html
    assert 'value="bad@"' in html
    ingrid.refresh_from_db()
    assert ingrid.name == "Ingrid Solberg"
