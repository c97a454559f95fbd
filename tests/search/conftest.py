from __future__ import annotations

import pytest

from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory
from tests.factories.properties import ContainerFactory, PropertyFactory


@pytest.fixture
def nb_tenant(tenant):
    """Organization A in Norwegian (its search stems Norwegian), before any row is made."""
    tenant.org.default_language = "nb"
    tenant.org.save(update_fields=["default_language"])
    return tenant


@pytest.fixture
def world(nb_tenant, other_tenant):
    """A few rows of each kind in A, and look-alikes in B that A must never see."""
    a, b = nb_tenant.org, other_tenant.org
    other_tenant.org.default_language = "nb"
    other_tenant.org.save(update_fields=["default_language"])
    prop = PropertyFactory(organization=a, address="Solsidevegen 12", property_number="G-1042")
    customer = CustomerFactory(
        organization=a, name="Ingrid Solberg", email="ingrid@example.no", phone="912 34 567"
    )
    rows = {
        "property": prop,
        "customer": customer,
        "container": ContainerFactory(organization=a, property=prop, container_id="BX-7781"),
        "window": make_case(
            a, nb_tenant.caseworker, title="Vinduer som dugger", customer=customer, property=prop
        ),
        "leak": make_case(a, nb_tenant.caseworker, title="Lekkasjen under kjøkkenvasken"),
        "door": make_case(a, nb_tenant.caseworker, title="Døren lukker ikke"),
    }
    b_prop = PropertyFactory(organization=b, address="Solsidevegen 99", property_number="G-1042")
    CustomerFactory(organization=b, name="Ingrid Solbakken", email="ingrid@b.example")
    ContainerFactory(organization=b, property=b_prop, container_id="BX-7782")
    rows["b_case"] = make_case(b, other_tenant.caseworker, title="Vinduer i kjelleren lekker")
    return rows
