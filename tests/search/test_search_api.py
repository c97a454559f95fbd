"""GET /api/v1/cases/?q=: the API's case list searches like the top bar (stemmed, notes and
messages included), newest first, and only ever in the API key's organization."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from cases.services.notes import note_add
from organizations.services_api_keys import api_key_create
from tests.factories.cases import make_case

pytestmark = pytest.mark.django_db
LIST = "/api/v1/cases/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _numbers(secret: str, **params) -> list[int]:
    response = Client().get(LIST, params, headers={"Authorization": f"Api-Key {secret}"})
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def test_q_stems_and_stays_newest_first(world, nb_tenant):
    secret = api_key_create(org=nb_tenant.org, actor=nb_tenant.admin, name="ERP")[1]
    later = make_case(nb_tenant.org, nb_tenant.caseworker, title="Nytt vindu bestilt")
    assert _numbers(secret, q="vindu") == [later.number, world["window"].number]
    assert _numbers(secret, q="lekkasje") == [world["leak"].number]
    assert _numbers(secret, q="vindu", status="closed") == []
    assert _numbers(secret, q=str(world["door"].number)) == [world["door"].number]
    note_add(org=nb_tenant.org, actor=nb_tenant.caseworker, case=world["door"], body="Ny hengsel")
    assert _numbers(secret, q="hengsel") == [world["door"].number]
    assert _numbers(secret, q="&|!") == []  # no word: nothing, not everything


def test_outsiders_key_never_sees_our_cases(world, other_tenant):
    """B's key: B's own matching case only, although A has more (and newer) matches."""
    secret = api_key_create(org=other_tenant.org, actor=other_tenant.admin, name="B")[1]
    assert _numbers(secret, q="vindu") == [world["b_case"].number]
    assert _numbers(secret, q="dugger") == []
    assert _numbers(secret, q="lekkasje") == []


def test_q_too_long_is_a_400(world, nb_tenant):
    secret = api_key_create(org=nb_tenant.org, actor=nb_tenant.admin, name="ERP")[1]
    response = Client().get(LIST, {"q": "x" * 201}, headers={"Authorization": f"Api-Key {secret}"})
    assert response.status_code == 400
    assert "q" in response.json()["errors"]
