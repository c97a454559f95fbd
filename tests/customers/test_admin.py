"""The Django admin lists, searches and filters customers, suppliers and contact roles."""

from __future__ import annotations

import pytest

from tests.factories.customers import ContactRoleFactory, CustomerFactory, SupplierFactory
from tests.factories.organizations import UserFactory


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(email="root@example.com", is_staff=True, is_superuser=True))
    return client


def test_admin_lists_searches_filters_and_opens_every_customers_model(tenant, superuser_client):
    customer = CustomerFactory(organization=tenant.org, name="Ingrid Solberg")
    objects = {
        "customer": customer,
        "supplier": SupplierFactory(organization=tenant.org, name="Ingrid Rør AS"),
        "contactrole": ContactRoleFactory(customer=customer),
    }

    for model, obj in objects.items():
        url = f"/admin/customers/{model}/"
        listing = superuser_client.get(
            url, {"q": "Ingrid", "organization__id__exact": tenant.org.pk}
        )
        change = superuser_client.get(f"{url}{obj.pk}/change/")

        assert listing.status_code == 200, model
        assert "Ingrid" in listing.content.decode(), model
        assert change.status_code == 200, model
