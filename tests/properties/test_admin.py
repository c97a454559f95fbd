"""The Django admin lists, searches and filters properties, containers and agreements."""

from __future__ import annotations

import pytest

from tests.factories.organizations import UserFactory
from tests.factories.properties import AgreementFactory, ContainerFactory, PropertyFactory


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(email="root@example.com", is_staff=True, is_superuser=True))
    return client


def test_admin_lists_searches_filters_and_opens_every_properties_model(tenant, superuser_client):
    home = PropertyFactory(organization=tenant.org, address="Birkevej 12")
    objects = {
        "property": home,
        "container": ContainerFactory(property=home, container_id="100234"),
        "agreement": AgreementFactory(property=home),
    }

    for model, obj in objects.items():
        url = f"/admin/properties/{model}/"
        listing = superuser_client.get(
            url,
            {
                "q": "Birkevej" if model != "container" else "100234",
                "organization__id__exact": tenant.org.pk,
            },
        )
        change = superuser_client.get(f"{url}{obj.pk}/change/")

        assert listing.status_code == 200, model
        assert "Birkevej 12" in listing.content.decode(), model
        assert change.status_code == 200, model
