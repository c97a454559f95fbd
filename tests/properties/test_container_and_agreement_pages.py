"""Container and agreement pages: list, page, create and edit."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest

from properties.models import Agreement, Container
from tests.customers.querycount import queries_for_page
from tests.factories.customers import CustomerFactory
from tests.factories.properties import AgreementFactory, ContainerFactory, PropertyFactory


def _url(tenant, path: str = "") -> str:
    return f"/{tenant.org.slug}/properties/{path}"


@pytest.fixture
def home(tenant):
    return PropertyFactory(
        organization=tenant.org,
        address="Birkevej 12",
        postcode="8000",
        city="Aarhus C",
        property_number="751-000123",
    )


# --- Containers ---------------------------------------------------------------------------


def test_container_list_searches_containers_of_the_organization(
    tenant, other_tenant, staff_client, home
):
    ContainerFactory(property=home, container_id="100234", fraction="Restaffald")
    ContainerFactory(property=home, container_id="100235", fraction="Plast")
    ContainerFactory(property=PropertyFactory(organization=other_tenant.org), container_id="100236")

    html = staff_client.get(_url(tenant, "containers/"), {"q": "plast"}).content.decode()

    assert "100235" in html
    assert "100234" not in html
    assert "100236" not in html
    assert "Birkevej 12" in html


def test_container_list_costs_the_same_queries_for_1_and_50_rows(
    tenant, staff_client, django_assert_num_queries
):
    ContainerFactory(property=PropertyFactory(organization=tenant.org))
    one_row = queries_for_page(staff_client, _url(tenant, "containers/"))
    for _ in range(49):
        ContainerFactory(property=PropertyFactory(organization=tenant.org))

    with django_assert_num_queries(one_row):
        response = staff_client.get(_url(tenant, "containers/"))
    links = re.findall(
        rf'/{tenant.org.slug}/properties/containers/\d+/"', response.content.decode()
    )
    assert len(links) == 50


def test_container_page_shows_id_fraction_type_and_address(tenant, staff_client, home):
    container = ContainerFactory(
        property=home, container_id="100234", fraction="Madaffald", container_type="140 l"
    )

    html = staff_client.get(_url(tenant, f"containers/{container.pk}/")).content.decode()

    assert "100234" in html
    assert "Madaffald" in html
    assert "140 l" in html
    assert "Birkevej 12, 8000 Aarhus C" in html


def test_container_form_preselects_the_property_from_the_link(tenant, staff_client, home):
    html = staff_client.get(_url(tenant, "containers/new/"), {"property": home.pk}).content.decode()

    assert f'<option value="{home.pk}" selected>' in html


def test_caseworker_creates_a_container(tenant, staff_client, home):
    response = staff_client.post(
        _url(tenant, "containers/new/"),
        {
            "property": home.pk,
            "container_id": "100234",
            "fraction": "Restaffald",
            "container_type": "240 liters beholder",
            "size_litres": "240",
        },
    )

    container = Container.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(tenant, f"containers/{container.pk}/")
    assert (container.organization, container.property) == (tenant.org, home)


def test_duplicate_container_id_is_explained_and_input_kept(tenant, staff_client, home):
    ContainerFactory(property=home, container_id="100234")

    response = staff_client.post(
        _url(tenant, "containers/new/"),
        {"property": home.pk, "container_id": "100234", "fraction": "Papir", "size_litres": "660"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Container ID 100234 is already used by a container at Birkevej 12" in html
    assert 'value="Papir"' in html
    assert 'value="660"' in html
    assert Container.objects.count() == 1


def test_same_container_id_as_another_organization_is_fine(
    tenant, other_tenant, staff_client, home
):
    ContainerFactory(property=PropertyFactory(organization=other_tenant.org), container_id="100234")

    response = staff_client.post(
        _url(tenant, "containers/new/"),
        {"property": home.pk, "container_id": "100234", "fraction": "Restaffald"},
    )

    assert response.status_code == 302


def test_caseworker_edits_a_container(tenant, staff_client, home):
    container = ContainerFactory(property=home, container_id="100234")

    form = staff_client.get(_url(tenant, f"containers/{container.pk}/edit/")).content.decode()
    response = staff_client.post(
        _url(tenant, f"containers/{container.pk}/edit/"),
        {"property": home.pk, "container_id": "100299", "fraction": "Glas"},
    )

    assert 'value="100234"' in form
    assert response.status_code == 302
    container.refresh_from_db()
    assert (container.container_id, container.fraction) == ("100299", "Glas")


# --- Agreements ---------------------------------------------------------------------------


def test_agreement_form_starts_with_the_property_and_the_organizations_currency(
    tenant, staff_client, home
):
    tenant.org.default_language = "da"
    tenant.org.save(update_fields=["default_language"])

    html = staff_client.get(_url(tenant, "agreements/new/"), {"property": home.pk}).content.decode()

    assert f'<option value="{home.pk}" selected>' in html
    assert 'value="DKK"' in html


def test_caseworker_creates_an_agreement_typing_the_price_the_danish_way(
    tenant, staff_client, home
):
    tenant.org.default_language = "da"
    tenant.org.save(update_fields=["default_language"])
    owner = CustomerFactory(organization=tenant.org)

    response = staff_client.post(
        _url(tenant, "agreements/new/"),
        {
            "property": home.pk,
            "customer": owner.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "price": "3125,50",
            "currency": "dkk",
            "description": "Dagrenovation",
        },
    )

    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(tenant, f"{home.pk}/")
    assert (agreement.price, agreement.currency, agreement.customer) == (
        Decimal("3125.50"),
        "DKK",
        owner,
    )


def test_agreement_period_error_keeps_the_typed_input(tenant, staff_client, home):
    response = staff_client.post(
        _url(tenant, "agreements/new/"),
        {
            "property": home.pk,
            "period_start": "2026-01-01",
            "period_end": "2025-12-31",
            "price": "100",
            "currency": "NOK",
            "description": "Serviceavtale",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "The period cannot end before it starts." in html
    assert 'value="2025-12-31"' in html
    assert "Serviceavtale" in html
    assert not Agreement.objects.exists()


def test_caseworker_edits_an_agreement(tenant, staff_client, home):
    agreement = AgreementFactory(property=home, price=0, currency="NOK")

    response = staff_client.post(
        _url(tenant, f"agreements/{agreement.pk}/edit/"),
        {
            "property": home.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "price": "0",
            "currency": "NOK",
        },
    )

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.period_end == datetime.date(2026, 6, 30)
