"""Property pages: list with search and pagination, the property page, create and edit."""

from __future__ import annotations

import re

import pytest

from properties.models import Property
from tests.customers.querycount import queries_for_page
from tests.factories.customers import ContactRoleFactory, CustomerFactory
from tests.factories.properties import AgreementFactory, ContainerFactory, PropertyFactory


def _url(tenant, path: str = "") -> str:
    return f"/{tenant.org.slug}/properties/{path}"


def _detail_links(tenant, html: str) -> set[str]:
    return set(re.findall(rf'href="/{tenant.org.slug}/properties/(\d+)/"', html))


# --- List ---------------------------------------------------------------------------------


def test_property_list_shows_the_organizations_properties(tenant, other_tenant, staff_client):
    PropertyFactory(organization=tenant.org, address="Birkevej 12", property_type="Parcelhus")
    PropertyFactory(organization=other_tenant.org, address="Beta vei 1")

    html = staff_client.get(_url(tenant)).content.decode()

    assert "Birkevej 12" in html
    assert "Parcelhus" in html
    assert "Beta vei 1" not in html


def test_property_list_searches_and_keeps_the_query(tenant, staff_client):
    PropertyFactory(organization=tenant.org, address="Birkevej 12")
    PropertyFactory(organization=tenant.org, address="Rosenhaven 3")

    html = staff_client.get(_url(tenant), {"q": "rosen"}).content.decode()

    assert "Rosenhaven 3" in html
    assert "Birkevej 12" not in html
    assert 'value="rosen"' in html


def test_property_list_paginates(tenant, staff_client):
    PropertyFactory.create_batch(51, organization=tenant.org)

    first = staff_client.get(_url(tenant)).content.decode()
    second = staff_client.get(_url(tenant), {"page": 2}).content.decode()

    assert "Page 1 of 2" in first
    assert len(_detail_links(tenant, first)) == 50
    assert len(_detail_links(tenant, second)) == 1


def test_property_list_costs_the_same_queries_for_1_and_50_rows(
    tenant, staff_client, django_assert_num_queries
):
    def add(n):
        for prop in PropertyFactory.create_batch(n, organization=tenant.org):
            ContainerFactory(property=PropertyFactory(organization=tenant.org, parent=prop))

    add(1)
    one_row = queries_for_page(staff_client, _url(tenant) + "?q=Storgata")
    add(49)

    with django_assert_num_queries(one_row):
        response = staff_client.get(_url(tenant) + "?q=Storgata")
    # 100 properties match; a page holds 50, each row linking itself and, for parts, its parent.
    assert len(_detail_links(tenant, response.content.decode())) >= 50


# --- Property page ------------------------------------------------------------------------


@pytest.fixture
def unit(tenant):
    estate = PropertyFactory(
        organization=tenant.org, name="Solsiden Terrasse", address="Solsidevegen 4"
    )
    building = PropertyFactory(
        organization=tenant.org, name="Hus A", address="Solsidevegen 4A", parent=estate
    )
    return PropertyFactory(
        organization=tenant.org,
        name="Leilighet A-H0101",
        address="Solsidevegen 4A, H0101",
        property_number="ST-A-H0101",
        property_type="Leilighet",
        area="Nedre Elvehavn",
        parent=building,
    )


def test_property_page_shows_address_number_type_area_and_parent_chain(tenant, staff_client, unit):
    html = staff_client.get(_url(tenant, f"{unit.pk}/")).content.decode()

    assert "Solsidevegen 4A, H0101" in html
    assert "ST-A-H0101" in html
    assert "Leilighet" in html
    assert "Nedre Elvehavn" in html
    chain = html[html.index('class="crumbs chain"') :]
    assert (
        chain.index("Solsiden Terrasse") < chain.index("Hus A") < chain.index("Leilighet A-H0101")
    )


def test_property_page_lists_its_parts(tenant, staff_client, unit):
    building = unit.parent

    html = staff_client.get(_url(tenant, f"{building.pk}/")).content.decode()

    assert "Parts" in html
    assert f'href="/{tenant.org.slug}/properties/{unit.pk}/"' in html
    assert f"?parent={building.pk}" in html


def test_property_page_shows_containers_agreements_and_contacts(tenant, staff_client, unit):
    ContainerFactory(property=unit, container_id="100234", fraction="Madaffald")
    owner = CustomerFactory(
        organization=tenant.org,
        name="Boligforeningen Søndergården",
        customer_type="company",
        org_number="DK 31 24 56 78",
    )
    AgreementFactory(property=unit, customer=owner, price=0, currency="DKK")
    ContactRoleFactory(customer=owner, property=unit, role="owner")

    html = staff_client.get(_url(tenant, f"{unit.pk}/")).content.decode()

    assert "100234" in html
    assert "Madaffald" in html
    assert "0.00 DKK" in html
    assert "Boligforeningen Søndergården" in html
    assert "DK 31 24 56 78" in html
    assert "Owner" in html
    assert "Add a contact" in html


def test_property_page_loads_its_cases_from_the_cases_app(tenant, staff_client, unit):
    html = staff_client.get(_url(tenant, f"{unit.pk}/")).content.decode()

    cases_url = f"/{tenant.org.slug}/cases/?property={unit.pk}"
    assert f'hx-get="{cases_url}&fragment=1" hx-trigger="load"' in html
    assert f'href="{cases_url}"' in html


def test_unknown_property_is_404(tenant, staff_client):
    assert staff_client.get(_url(tenant, "999999/")).status_code == 404


# --- Create and edit ----------------------------------------------------------------------


def test_create_form_preselects_the_parent_from_the_link(tenant, staff_client, unit):
    html = staff_client.get(_url(tenant, "new/"), {"parent": unit.parent_id}).content.decode()

    assert f'<option value="{unit.parent_id}" selected>' in html


def test_caseworker_creates_a_property_under_a_parent(tenant, staff_client, unit):
    building = unit.parent

    response = staff_client.post(
        _url(tenant, "new/"),
        {
            "address": "Solsidevegen 4A, H0102",
            "postcode": "7014",
            "city": "Trondheim",
            "name": "Leilighet A-H0102",
            "property_number": "ST-A-H0102",
            "property_type": "Leilighet",
            "parent": building.pk,
        },
    )

    created = Property.objects.get(property_number="ST-A-H0102")
    assert response.status_code == 302
    assert response["Location"] == _url(tenant, f"{created.pk}/")
    assert (created.parent, created.organization) == (building, tenant.org)


def test_create_form_keeps_typed_input_on_a_duplicate_number(tenant, staff_client, unit):
    response = staff_client.post(
        _url(tenant, "new/"),
        {"address": "Solsidevegen 4A, H0199", "property_number": "ST-A-H0101", "city": "Trondheim"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Property number ST-A-H0101 is already in use in this organization." in html
    assert 'value="Solsidevegen 4A, H0199"' in html
    assert 'value="Trondheim"' in html


def test_edit_refuses_a_cycle_and_keeps_the_typed_input(tenant, staff_client, unit):
    estate = unit.parent.parent

    response = staff_client.post(
        _url(tenant, f"{estate.pk}/edit/"),
        {"address": "Solsidevegen 4 (ny)", "name": "Solsiden Terrasse", "parent": unit.pk},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "A property cannot be placed under itself or one of its own parts." in html
    assert 'value="Solsidevegen 4 (ny)"' in html
    assert f'<option value="{unit.pk}" selected>' in html
    estate.refresh_from_db()
    assert (estate.parent, estate.address) == (None, "Solsidevegen 4")


def test_edit_form_answers_400_to_htmx_on_error(tenant, staff_client, unit):
    response = staff_client.post(
        _url(tenant, f"{unit.pk}/edit/"), {"address": ""}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 400


def test_parent_from_another_organization_is_not_a_valid_choice(
    tenant, other_tenant, staff_client, unit
):
    foreign = PropertyFactory(organization=other_tenant.org)

    response = staff_client.post(
        _url(tenant, f"{unit.pk}/edit/"), {"address": unit.address, "parent": foreign.pk}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    unit.refresh_from_db()
    assert unit.parent.organization == tenant.org


def test_caseworker_edits_a_property(tenant, staff_client, unit):
    response = staff_client.post(
        _url(tenant, f"{unit.pk}/edit/"),
        {
            "address": unit.address,
            "name": unit.name,
            "property_number": unit.property_number,
            "property_type": "Leilighet (3-roms)",
            "area": "Midtbyen",
            "parent": unit.parent_id,
        },
    )

    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.property_type, unit.area) == ("Leilighet (3-roms)", "Midtbyen")


def test_property_list_counts_parts_and_containers(tenant, staff_client):
    estate = PropertyFactory(organization=tenant.org, address="Solsidevegen 4")
    PropertyFactory.create_batch(2, organization=tenant.org, parent=estate, address="Zeta 1")
    ContainerFactory.create_batch(3, property=estate)

    html = staff_client.get(_url(tenant), {"q": "Solsidevegen"}).content.decode()

    row = html[html.index("Solsidevegen 4") :]
    row = row[: row.index("</tr>")]
    assert re.findall(r"<td>(\d*)</td>", row)[-2:] == ["2", "3"]
