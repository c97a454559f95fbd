"""Who may use the property pages: staff of the organization only.

An outsider gets 404 on every property, container and agreement URL (also for ids that exist),
a supplier-role member gets 403, and lookups never show another organization's rows.
"""

from __future__ import annotations

import pytest

from properties.models import Agreement, Container, Property
from tests.factories.properties import AgreementFactory, ContainerFactory, PropertyFactory


@pytest.fixture
def objects(tenant):
    prop = PropertyFactory(organization=tenant.org, address="Birkevej 12")
    return {
        "property": prop,
        "container": ContainerFactory(property=prop, container_id="100234"),
        "agreement": AgreementFactory(property=prop),
    }


def _urls(tenant, objects) -> list[str]:
    base = f"/{tenant.org.slug}/properties/"
    p, c, a = (objects[k].pk for k in ("property", "container", "agreement"))
    return [
        base,
        f"{base}new/",
        f"{base}{p}/",
        f"{base}{p}/edit/",
        f"{base}autocomplete/?q=Birkevej",
        f"{base}options/?q=Birkevej",
        f"{base}containers/",
        f"{base}containers/new/?property={p}",
        f"{base}containers/autocomplete/?property={p}",
        f"{base}containers/{c}/",
        f"{base}containers/{c}/edit/",
        f"{base}agreements/new/?property={p}",
        f"{base}agreements/{a}/edit/",
    ]


def _writes(tenant, objects) -> list[tuple[str, dict]]:
    base = f"/{tenant.org.slug}/properties/"
    p, c, a = (objects[k].pk for k in ("property", "container", "agreement"))
    return [
        (f"{base}new/", {"address": "Spy Street 1"}),
        (f"{base}{p}/edit/", {"address": "Spy Street 1"}),
        (f"{base}containers/new/", {"property": p, "container_id": "SPY", "fraction": "x"}),
        (f"{base}containers/{c}/edit/", {"property": p, "container_id": "SPY", "fraction": "x"}),
        (f"{base}agreements/new/", {"property": p, "period_start": "2026-01-01", "price": "666"}),
        (
            f"{base}agreements/{a}/edit/",
            {"property": p, "period_start": "2026-01-01", "price": "666"},
        ),
    ]


def _assert_nothing_changed(objects) -> None:
    assert not Property.objects.filter(address="Spy Street 1").exists()
    assert not Container.objects.filter(container_id="SPY").exists()
    assert not Agreement.objects.filter(price=666).exists()
    assert Property.objects.get(pk=objects["property"].pk).address == "Birkevej 12"


def test_outsider_gets_404_on_every_property_container_and_agreement_url(
    tenant, objects, outsider_client
):
    for url in _urls(tenant, objects):
        assert outsider_client.get(url).status_code == 404, url
        assert outsider_client.post(url).status_code == 404, url


def test_outsider_gets_404_for_every_write_and_changes_nothing(tenant, objects, outsider_client):
    for url, data in _writes(tenant, objects):
        assert outsider_client.post(url, data).status_code == 404, url

    _assert_nothing_changed(objects)


def test_supplier_user_gets_403_on_every_property_page(tenant, objects):
    client = tenant.client_for(tenant.supplier)

    for url in _urls(tenant, objects):
        assert client.get(url).status_code == 403, url
    for url, data in _writes(tenant, objects):
        assert client.post(url, data).status_code == 403, url

    _assert_nothing_changed(objects)


def test_staff_get_404_for_another_organizations_ids_through_their_own_prefix(
    tenant, other_tenant, staff_client
):
    prop = PropertyFactory(organization=other_tenant.org)
    container = ContainerFactory(property=prop)
    agreement = AgreementFactory(property=prop)
    base = f"/{tenant.org.slug}/properties/"

    for url in (
        f"{base}{prop.pk}/",
        f"{base}{prop.pk}/edit/",
        f"{base}containers/{container.pk}/",
        f"{base}containers/{container.pk}/edit/",
        f"{base}agreements/{agreement.pk}/edit/",
    ):
        assert staff_client.get(url).status_code == 404, url
        assert staff_client.post(url, {"address": "Mine"}).status_code == 404, url


def test_lookups_never_show_another_organizations_rows(tenant, other_tenant, staff_client):
    own = PropertyFactory(organization=tenant.org, address="Birkevej 12")
    own_bin = ContainerFactory(property=own, container_id="100234")
    foreign = PropertyFactory(organization=other_tenant.org, address="Birkevej 14")
    ContainerFactory(property=foreign, container_id="100235")
    base = f"/{tenant.org.slug}/properties/"

    properties = staff_client.get(f"{base}autocomplete/", {"q": "Birkevej"}).json()
    options = staff_client.get(f"{base}options/", {"q": "Birkevej"}).content.decode()
    bins = staff_client.get(f"{base}containers/autocomplete/", {"q": "1002"}).json()
    foreign_bins = staff_client.get(
        f"{base}containers/autocomplete/", {"property": foreign.pk}
    ).json()

    assert [row["id"] for row in properties] == [own.pk]
    assert "Birkevej 14" not in options
    assert [row["id"] for row in bins] == [own_bin.pk]
    assert foreign_bins == []


def test_container_autocomplete_ignores_a_malformed_property_id(tenant, staff_client):
    response = staff_client.get(
        f"/{tenant.org.slug}/properties/containers/autocomplete/", {"property": "1 OR 1=1"}
    )

    assert response.status_code == 200
    assert response.json() == []


def test_container_form_does_not_accept_another_organizations_property(
    tenant, other_tenant, staff_client
):
    foreign = PropertyFactory(organization=other_tenant.org)

    response = staff_client.post(
        f"/{tenant.org.slug}/properties/containers/new/",
        {"property": foreign.pk, "container_id": "100234", "fraction": "Restaffald"},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Container.objects.exists()
