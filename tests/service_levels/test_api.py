"""The cases API's service-level fields (first_response_due, resolution_due, sla_state) and the
sla_state filter; another organization's key sees none of it."""

from __future__ import annotations

import datetime

import pytest
import yaml
from django.core.cache import cache
from django.test import Client

from cases.services.cases import case_change
from organizations.services_api_keys import api_key_create
from tests.factories.cases import make_case
from tests.service_levels.conftest import oslo

pytestmark = pytest.mark.django_db
LIST = "/api/v1/cases/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def secret(tenant) -> str:
    return api_key_create(org=tenant.org, actor=tenant.admin, name="ERP")[1]


@pytest.fixture
def other_secret(other_tenant) -> str:
    return api_key_create(org=other_tenant.org, actor=other_tenant.admin, name="B's ERP")[1]


def get(secret, url=LIST, **params):
    return Client().get(url, params, headers={"Authorization": f"Api-Key {secret}"})


@pytest.fixture
def cases(tenant, clock, normal_policy):
    """Monday 4 March 2024 at 12:30: one breached, one at risk, one waiting, one without."""

    def opened(hour, minute=0, **fields):
        clock.set(2024, 3, 4, hour, minute)
        return make_case(tenant.org, tenant.admin, **fields)

    found = {
        "breached": opened(8),
        "at_risk": opened(9),
        "paused": opened(9, 30),
        "none": opened(9, 40, priority="low"),
    }
    case_change(org=tenant.org, actor=tenant.admin, case=found["paused"], status="waiting")
    clock.set(2024, 3, 4, 12, 30)
    return found


def moment(value: str | None):
    return datetime.datetime.fromisoformat(value) if value else None


def test_list_and_detail_show_due_times_and_state(tenant, secret, cases):
    rows = {row["number"]: row for row in get(secret).json()["results"]}

    at_risk = rows[cases["at_risk"].number]
    assert moment(at_risk["first_response_due"]) == oslo(2024, 3, 4, 13)
    assert moment(at_risk["resolution_due"]) == oslo(2024, 3, 6, 9)
    assert at_risk["sla_state"] == "at_risk"
    assert rows[cases["breached"].number]["sla_state"] == "breached"
    assert rows[cases["paused"].number]["sla_state"] == "paused"
    none = rows[cases["none"].number]
    assert (none["first_response_due"], none["resolution_due"], none["sla_state"]) == (
        None,
        None,
        None,
    )
    detail = get(secret, f"{LIST}{cases['breached'].number}/").json()
    assert detail["sla_state"] == "breached"
    assert moment(detail["first_response_due"]) == oslo(2024, 3, 4, 12)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("breached", {"breached"}),
        ("at_risk,breached", {"at_risk", "breached"}),
        ("paused", {"paused"}),
        ("on_track", set()),
    ],
)
def test_list_filters_by_state(secret, cases, value, expected):
    response = get(secret, sla_state=value)

    assert response.status_code == 200
    assert {row["number"] for row in response.json()["results"]} == {
        cases[k].number for k in expected
    }


@pytest.mark.parametrize("value", ["late", "", "at_risk,", "AT_RISK"])
def test_an_unknown_state_is_refused(secret, cases, value):
    response = get(secret, sla_state=value)

    assert response.status_code == 400
    assert "sla_state" in response.json()["errors"]


def test_another_organizations_key_sees_none_of_it(secret, other_secret, cases):
    assert get(other_secret, sla_state="breached").json()["results"] == []
    assert get(other_secret, f"{LIST}{cases['breached'].number}/").status_code == 404


def test_the_schema_documents_the_fields_and_the_filter():
    schema = yaml.safe_load(Client().get("/api/schema/").content)

    case = schema["components"]["schemas"]["Case"]["properties"]
    assert {"first_response_due", "resolution_due", "sla_state"} <= set(case)
    refs = [part["$ref"].rsplit("/", 1)[-1] for part in case["sla_state"]["oneOf"]]
    values = {v for ref in refs for v in schema["components"]["schemas"][ref]["enum"]}
    assert values == {"on_track", "at_risk", "breached", "paused", None}
    assert case["sla_state"]["nullable"] is True
    parameters = {p["name"]: p for p in schema["paths"][LIST]["get"]["parameters"]}
    assert parameters["sla_state"]["schema"]["items"]["enum"] == [
        "on_track",
        "at_risk",
        "breached",
        "paused",
    ]
