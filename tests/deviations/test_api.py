"""GET /api/v1/deviations/ and /<number>/: read-only, always of the API key's organization."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from cases.services.deviations import deviation_close
from organizations.services_api_keys import api_key_create
from tests.deviations.support import make_deviation
from tests.factories.cases import make_case
from tests.factories.properties import PropertyFactory

LIST = "/api/v1/deviations/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def secret(tenant) -> str:
    return api_key_create(org=tenant.org, actor=tenant.admin, name="HSE system")[1]


@pytest.fixture
def other_secret(other_tenant) -> str:
    return api_key_create(org=other_tenant.org, actor=other_tenant.admin, name="B's key")[1]


def get(secret, url=LIST, **params):
    return Client().get(url, params, headers={"Authorization": f"Api-Key {secret}"})


def test_list_and_detail_show_the_deviation(tenant, secret):
    prop = PropertyFactory(organization=tenant.org, address="Solbakken 12", property_number="S-12")
    case = make_case(tenant.org, tenant.caseworker)
    deviation = make_deviation(
        tenant,
        title="Loose railing",
        type="hazard",
        severity="high",
        property=prop,
        responsible=tenant.admin,
        case=case,
    )

    rows = get(secret).json()["results"]
    detail = get(secret, f"{LIST}{deviation.number}/").json()

    assert rows == [detail]
    assert detail["number"] == deviation.number
    assert (detail["title"], detail["type"], detail["severity"], detail["status"]) == (
        "Loose railing",
        "hazard",
        "high",
        "open",
    )
    assert detail["property"]["id"] == prop.pk
    assert detail["responsible"]["email"] == tenant.admin.email
    assert detail["case"] == {"number": case.number, "title": case.title}
    assert detail["inquiry_id"] is None


def test_filters_by_status_type_and_severity(tenant, secret):
    make_deviation(tenant, title="A", type="hazard", severity="low")
    closed = make_deviation(
        tenant, title="B", type="damage", severity="high", corrective_action="x"
    )
    deviation_close(org=tenant.org, actor=tenant.admin, deviation=closed)

    def titles(**params):
        return sorted(row["title"] for row in get(secret, **params).json()["results"])

    assert titles(status="open") == ["A"]
    assert titles(status="closed") == ["B"]
    assert titles(type="hazard,damage") == ["A", "B"]
    assert titles(severity="high") == ["B"]


@pytest.mark.parametrize(
    "params", [{"status": "archived"}, {"severity": ""}, {"stauts": "open"}, {"type": "x,"}]
)
def test_bad_filters_are_a_400_naming_the_parameter(secret, params):
    response = get(secret, **params)

    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)


def test_another_organizations_key_gets_404_and_an_empty_list(tenant, other_secret):
    deviation = make_deviation(tenant)

    assert get(other_secret, f"{LIST}{deviation.number}/").status_code == 404
    assert get(other_secret).json()["results"] == []


def test_without_a_key_it_is_401(tenant):
    deviation = make_deviation(tenant)

    assert Client().get(LIST).status_code == 401
    assert Client().get(f"{LIST}{deviation.number}/").status_code == 401


def test_it_is_read_only(tenant, secret):
    deviation = make_deviation(tenant)

    response = Client().patch(
        f"{LIST}{deviation.number}/",
        data='{"title": "x"}',
        content_type="application/json",
        headers={"Authorization": f"Api-Key {secret}"},
    )

    assert response.status_code == 405
