"""GET/PATCH /api/v1/cases/: cases for integrations, always of the API key's organization."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from cases.models import Case, CaseEvent, Category
from cases.services.categories import category_ensure_defaults
from organizations.models import ApiKey
from organizations.services_api_keys import api_key_create, api_key_revoke
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory

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


@pytest.fixture
def categories(tenant):
    category_ensure_defaults(tenant.org)
    return {c.key: c for c in Category.objects.filter(organization=tenant.org)}


def get(secret, url=LIST, **params):
    return Client().get(url, params, headers={"Authorization": f"Api-Key {secret}"})


def patch(secret, number, body):
    return Client().patch(
        f"{LIST}{number}/",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Api-Key {secret}"},
    )


def numbers(response) -> list[int]:
    return [row["number"] for row in response.json()["results"]]


# --- Isolation ------------------------------------------------------------------------------


def test_list_shows_only_the_keys_organization(tenant, other_tenant, secret, other_secret):
    make_case(tenant.org, title="A's case")
    make_case(other_tenant.org, title="B's case")
    response = get(other_secret)
    assert response.status_code == 200
    assert [row["title"] for row in response.json()["results"]] == ["B's case"]


def test_key_of_b_gets_404_for_a_case_number_only_a_has(tenant, other_tenant, other_secret):
    make_case(tenant.org)
    a2 = make_case(tenant.org)
    make_case(other_tenant.org)
    assert get(other_secret, f"{LIST}{a2.number}/").status_code == 404
    response = patch(other_secret, a2.number, {"status": "closed", "resolution": "Done"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    a2.refresh_from_db()
    assert a2.status == Case.Status.NEW
    assert not CaseEvent.objects.filter(case=a2).exclude(kind=CaseEvent.Kind.CREATED).exists()


def test_same_number_in_two_organizations_reads_the_keys_own(tenant, other_tenant, other_secret):
    make_case(tenant.org, title="A's first")
    make_case(other_tenant.org, title="B's first")
    assert get(other_secret, f"{LIST}1/").json()["title"] == "B's first"


def test_without_key_or_with_revoked_key_gets_401(tenant, secret):
    case = make_case(tenant.org)
    assert Client().get(LIST).status_code == 401
    api_key_revoke(org=tenant.org, actor=None, api_key=ApiKey.objects.get())
    assert get(secret).status_code == 401
    assert get(secret, f"{LIST}{case.number}/").status_code == 401
    assert patch(secret, case.number, {"priority": "high"}).status_code == 401


def test_huge_case_number_is_404_not_500(tenant, secret):
    assert get(secret, f"{LIST}99999999999999999999/").status_code == 404


# --- Reading --------------------------------------------------------------------------------


def test_case_detail_has_the_documented_fields(tenant, secret, categories):
    customer = CustomerFactory(organization=tenant.org, name="Kari", email="kari@example.net")
    case = make_case(
        tenant.org,
        title="Leak",
        category=categories["fault_report"],
        customer=customer,
        external_reference="ERP-7",
    )
    body = get(secret, f"{LIST}{case.number}/").json()
    assert body["number"] == case.number
    assert body["category"] == {"key": "fault_report", "name": categories["fault_report"].name}
    assert body["customer"]["email"] == "kari@example.net"
    assert body["external_reference"] == "ERP-7"
    assert body["status"] == "new"
    assert body["inquiry_id"] is None
    assert {"created_at", "updated_at", "deadline", "resolution", "property"} <= set(body)


@pytest.mark.parametrize("count", [1, 50])
def test_list_costs_a_fixed_number_of_queries(
    tenant, secret, categories, count, django_assert_num_queries
):
    customer = CustomerFactory(organization=tenant.org)
    for _ in range(count):
        make_case(tenant.org, category=categories["order"], customer=customer)
    ApiKey.objects.update(last_used_at=timezone.now())  # no "last used" write in this request
    # The API key with its organization, then one page of cases with their joins; the request's
    # transaction (ATOMIC_REQUESTS) is a savepoint and its release inside the test's.
    with django_assert_num_queries(2 + 2):
        response = get(secret, page_size=100)
    assert len(response.json()["results"]) == count


def test_filters(tenant, secret, categories):
    kari = CustomerFactory(organization=tenant.org, email="Kari@Example.net")
    a = make_case(tenant.org, priority="high", category=categories["order"], customer=kari)
    b = make_case(tenant.org, external_reference="ERP-1")
    c = make_case(tenant.org, priority="critical")
    Case.objects.filter(pk=c.pk).update(status="waiting")
    d = make_case(tenant.org)
    Case.objects.filter(pk=d.pk).update(status="closed")

    assert numbers(get(secret, status="waiting")) == [c.number]
    assert numbers(get(secret, status="new,closed")) == [d.number, b.number, a.number]
    assert numbers(get(secret, status="open")) == [c.number, b.number, a.number]
    assert numbers(get(secret, priority="high,critical")) == [c.number, a.number]
    assert numbers(get(secret, category="order")) == [a.number]
    assert numbers(get(secret, external_reference="ERP-1")) == [b.number]
    assert numbers(get(secret, customer_email="kari@example.NET")) == [a.number]


def test_created_and_updated_since(tenant, secret):
    old = make_case(tenant.org)
    new = make_case(tenant.org)
    past = timezone.now() - datetime.timedelta(days=10)
    Case.objects.filter(pk=old.pk).update(created_at=past, updated_at=past)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert numbers(get(secret, created_since=since)) == [new.number]
    assert numbers(get(secret, updated_since=since)) == [new.number]
    day = (timezone.localdate() - datetime.timedelta(days=20)).isoformat()
    assert numbers(get(secret, created_since=day)) == [new.number, old.number]


def test_bad_filters_give_400_per_field(tenant, secret):
    response = get(secret, status="open,nonsense", updated_since="yesterday")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "updated_since"}


@pytest.mark.parametrize(
    "params",
    [
        {"status": ""},  # an empty value is not "no filter": the schema says minItems 1
        {"status": "new,"},
        {"status": " new"},
        {"priority": ""},
        {"category": ""},
        {"customer_email": ""},
        {"page_size": "0"},
        {"page_size": "201"},
        {"page_size": "ten"},
    ],
)
def test_filters_outside_the_schema_give_400(tenant, secret, params):
    response = get(secret, **params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)


def test_cursor_pagination_walks_every_case_once_newest_first(tenant, secret):
    cases = [make_case(tenant.org, title=f"Case {i}") for i in range(5)]
    start = timezone.now() - datetime.timedelta(hours=1)
    for i, case in enumerate(cases):  # distinct, known creation times
        Case.objects.filter(pk=case.pk).update(created_at=start + datetime.timedelta(minutes=i))
    seen, url, pages = [], LIST + "?page_size=2", 0
    while url:
        body = Client().get(url, headers={"Authorization": f"Api-Key {secret}"}).json()
        seen += [row["number"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 3
    assert seen == [c.number for c in reversed(cases)]


def test_bad_cursor_gives_404_json(tenant, secret):
    response = get(secret, cursor="not-a-cursor")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- Changing -------------------------------------------------------------------------------


def test_patch_writes_one_case_event_per_changed_field_marked_as_api(tenant, secret, categories):
    case = make_case(tenant.org, priority="normal")
    response = patch(
        secret,
        case.number,
        {
            "status": "in_progress",
            "priority": "normal",  # unchanged: no event
            "deadline": "2030-05-01",
            "external_reference": "ERP-9",
            "category": "service",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "in_progress"
    assert body["deadline"] == "2030-05-01"
    assert body["category"]["key"] == "service"
    case.refresh_from_db()
    assert case.category == categories["service"]
    assert case.external_reference == "ERP-9"
    events = CaseEvent.objects.filter(case=case).exclude(kind=CaseEvent.Kind.CREATED)
    assert sorted(e.field for e in events) == [
        "category",
        "deadline",
        "external_reference",
        "status",
    ]
    prefix = ApiKey.objects.get().prefix
    assert all(e.actor is None and e.data == {"api_key": prefix} for e in events)


def test_patch_can_close_with_a_resolution_and_clear_category(tenant, secret, categories):
    case = make_case(tenant.org, category=categories["order"])
    response = patch(
        secret, case.number, {"status": "closed", "resolution": "Replaced", "category": None}
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.closed_at is not None
    assert case.category is None


def test_patch_errors_give_400_per_field_and_change_nothing(tenant, secret, categories):
    case = make_case(tenant.org)
    response = patch(secret, case.number, {"status": "closed", "priority": "urgent"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"priority"}
    # Valid by the schema, refused by the case's state or the organization's case types: 422.
    response = patch(secret, case.number, {"status": "closed"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"resolution"}
    response = patch(secret, case.number, {"category": "no_such_key"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"category"}
    response = patch(secret, case.number, {"external_reference": 12})
    assert response.status_code == 400  # a string, not a number made into one
    response = patch(secret, case.number, {"external_reference": " " + "x" * 100})
    assert response.status_code == 400  # the length as sent, not after trimming
    assert patch(secret, case.number, {}).status_code == 400
    case.refresh_from_db()
    assert case.status == Case.Status.NEW
    assert CaseEvent.objects.filter(case=case).count() == 1  # the "created" event only


def test_category_key_of_another_organization_is_unknown(tenant, other_tenant, secret, categories):
    category_ensure_defaults(other_tenant.org)
    Category.objects.filter(organization=tenant.org, key="service").update(key="svc")
    case = make_case(tenant.org)
    response = patch(secret, case.number, {"category": "service"})
    assert response.status_code == 422
    case.refresh_from_db()
    assert case.category is None


def test_put_and_delete_are_not_allowed(tenant, secret):
    case = make_case(tenant.org)
    client = Client()
    headers = {"Authorization": f"Api-Key {secret}"}
    assert client.put(f"{LIST}{case.number}/", {}, headers=headers).status_code == 405
    assert client.delete(f"{LIST}{case.number}/", headers=headers).status_code == 405
    assert Case.objects.filter(pk=case.pk).exists()
