"""The Events tab of object pages: hidden and 404 while the module's switch is off, the
object's events (who, when, old → new) when on; outsiders get 404."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.services.deviations import DeviationData, deviation_update
from customers.services import customer_create, customer_update
from inquiries.models import Channel
from inquiries.services.intake import inquiry_receive
from organizations.models_audit import AuditEvent
from organizations.services_modules import organization_event_tabs_set
from properties.services import container_create, property_create, property_update
from tests.deviations.support import make_deviation
from tests.factories.cases import make_case

pytestmark = pytest.mark.django_db


def _customer(tenant):
    customer = customer_create(org=tenant.org, actor=tenant.caseworker, name="Kari Nordmann")
    customer_update(org=tenant.org, actor=tenant.admin, customer=customer, name="Kari Hansen")
    slug = tenant.org.slug
    return f"/{slug}/customers/{customer.pk}/", f"/{slug}/customers/{customer.pk}/events/"


def _property(tenant):
    prop = property_create(org=tenant.org, actor=tenant.caseworker, address="Storgata 1")
    property_update(org=tenant.org, actor=tenant.admin, property=prop, area="Nord")
    container_create(
        org=tenant.org, actor=tenant.admin, property=prop, container_id="B-77", fraction="Plast"
    )
    slug = tenant.org.slug
    return f"/{slug}/properties/{prop.pk}/", f"/{slug}/properties/{prop.pk}/events/"


def _inquiry(tenant):
    inquiry = inquiry_receive(
        org=tenant.org, channel=Channel.WEB_FORM, sender_name="Ola Avsender", subject="Lekkasje"
    )
    slug = tenant.org.slug
    return f"/{slug}/inquiries/{inquiry.pk}/", f"/{slug}/inquiries/{inquiry.pk}/events/"


def _case(tenant):
    case = make_case(tenant.org, tenant.caseworker, title="Lekkasje")
    from cases.services.cases import case_change

    case_change(org=tenant.org, actor=tenant.admin, case=case, title="Lekkasje på badet")
    slug = tenant.org.slug
    return f"/{slug}/cases/{case.number}/", f"/{slug}/cases/{case.number}/events/"


def _deviation(tenant):
    deviation = make_deviation(tenant, title="Løst rekkverk")
    deviation_update(
        org=tenant.org,
        actor=tenant.admin,
        deviation=deviation,
        data=DeviationData(title="Løst rekkverk i trapp B"),
    )
    slug = tenant.org.slug
    return (
        f"/{slug}/deviations/{deviation.number}/",
        f"/{slug}/deviations/{deviation.number}/events/",
    )


PAGES = {
    "customers": (_customer, ["Kari Nordmann", "Kari Hansen"]),
    "properties": (_property, ["Nord", "B-77"]),
    "inquiries": (_inquiry, ["Ola Avsender", "Lekkasje"]),
    "cases": (_case, ["Lekkasje", "Lekkasje på badet"]),
    "deviations": (_deviation, ["Løst rekkverk", "Løst rekkverk i trapp B"]),
}


def _switch(tenant, module: str, on: bool) -> None:
    organization_event_tabs_set(org=tenant.org, actor=tenant.admin, tabs={module: on})


@pytest.mark.parametrize("module", PAGES)
def test_switched_off_the_tab_is_hidden_and_its_url_is_404(module, tenant, staff_client):
    make, _texts = PAGES[module]
    page_url, events_url = make(tenant)
    _switch(tenant, module, False)

    page = staff_client.get(page_url)
    assert page.status_code == 200
    assert events_url not in page.content.decode()
    assert staff_client.get(events_url).status_code == 404


@pytest.mark.parametrize("module", PAGES)
def test_switched_on_the_tab_lists_the_objects_events(module, tenant, staff_client):
    make, texts = PAGES[module]
    page_url, events_url = make(tenant)
    _switch(tenant, module, True)

    page = staff_client.get(page_url)
    assert events_url in page.content.decode()
    response = staff_client.get(events_url)
    assert response.status_code == 200
    html = response.content.decode()
    for text in texts:
        assert text in html
    # who: a member, or the sender of an inquiry
    assert str(tenant.admin) in html or str(tenant.caseworker) in html or module == "inquiries"


@pytest.mark.parametrize("module", PAGES)
def test_outsiders_get_404_and_suppliers_403(module, tenant, outsider_client):
    make, _texts = PAGES[module]
    _page_url, events_url = make(tenant)
    _switch(tenant, module, True)
    assert outsider_client.get(events_url).status_code == 404
    assert tenant.client_for(tenant.supplier).get(events_url).status_code == 403


def test_another_organizations_object_is_404_even_for_a_member(tenant, other_tenant):
    _page, foreign_events = _customer(other_tenant)
    _switch(tenant, "customers", True)
    own_slug_url = foreign_events.replace(f"/{other_tenant.org.slug}/", f"/{tenant.org.slug}/")
    assert tenant.client_for(tenant.admin).get(own_slug_url).status_code == 404


def test_the_events_tab_pages_by_keyset(tenant, staff_client):
    customer = customer_create(org=tenant.org, actor=tenant.admin, name="Navn 0")
    for n in range(1, 56):
        customer_update(org=tenant.org, actor=tenant.admin, customer=customer, name=f"Navn {n}")
    _switch(tenant, "customers", True)
    url = f"/{tenant.org.slug}/customers/{customer.pk}/events/"

    first = _table(staff_client.get(url))
    assert "Navn 55" in first and "Older events" in first
    cursor = first.split("after=")[1].split('"')[0]
    second = _table(staff_client.get(f"{url}?after={cursor}"))
    assert "Navn 1" in second and "Navn 55" not in second and "Older events" not in second
    for nasty in ["x", "1_", "9" * 40 + "_1", "-5_3", "\x00"]:
        assert staff_client.get(url, {"after": nasty}).status_code == 200


def _table(response) -> str:
    return response.content.decode().split("<tbody>", 1)[1]


def _case_page_queries(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def test_the_case_page_costs_no_query_for_the_tab(tenant, staff_client):
    case = make_case(tenant.org, tenant.caseworker)
    url = f"/{tenant.org.slug}/cases/{case.number}/"
    staff_client.get(url)  # the first visit records the organization in the session

    _switch(tenant, "cases", False)
    off, off_sql = _case_page_queries(staff_client, url)
    _switch(tenant, "cases", True)
    on, on_sql = _case_page_queries(staff_client, url)

    assert off == on
    table = AuditEvent._meta.db_table
    assert not any(table in sql for sql in off_sql + on_sql)
