""" "My work": a supplier user's tasks and cases, a caseworker's own open tasks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Case, Task
from cases.services.cases import case_change
from tests.factories.cases import make_case
from tests.factories.customers import SupplierFactory
from tests.factories.properties import PropertyFactory

pytestmark = pytest.mark.django_db


def work_url(org) -> str:
    return reverse("cases:supplier_work", kwargs={"org_slug": org.slug})


@pytest.fixture
def plumber(tenant):
    supplier = SupplierFactory(organization=tenant.org, name="Rørlegger Hansen AS")
    supplier.users.add(tenant.supplier)
    return supplier


def task(case, title, **fields) -> Task:
    return Task.objects.create(organization=case.organization, case=case, title=title, **fields)


def test_supplier_user_sees_the_tasks_and_cases_given_to_their_supplier(tenant, plumber):
    org, me = tenant.org, tenant.caseworker
    other_supplier = SupplierFactory(organization=org, name="Maler Olsen AS")
    prop = PropertyFactory(organization=org, address="Fjordveien 12")
    ours = make_case(org, me, title="Lekkasje under vask", supplier=plumber, property=prop)
    task(ours, "Bytt pakning", supplier=plumber)
    theirs = make_case(org, me, title="Maling av vegg", supplier=other_supplier)
    task(theirs, "Mal veggen", supplier=other_supplier)
    staff_only = make_case(org, me, title="Internal matter")
    task(staff_only, "Call the customer", assignee=me)

    response = tenant.client_for(tenant.supplier).get(work_url(org))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Lekkasje under vask" in html and "Bytt pakning" in html and "Fjordveien 12" in html
    task_page = reverse(
        "cases:task_detail",
        kwargs={"org_slug": org.slug, "number": ours.number, "task_id": ours.tasks.get().pk},
    )
    assert task_page in html
    assert "Maling av vegg" not in html and "Mal veggen" not in html
    assert "Internal matter" not in html and "Call the customer" not in html


def test_supplier_user_sees_finished_work_only_when_asked(tenant, plumber):
    org, me = tenant.org, tenant.caseworker
    done = make_case(org, me, title="Old job", supplier=plumber)
    case_change(org=org, actor=me, case=done, status=Case.Status.CLOSED)
    task(done, "Finished task", supplier=plumber, status=Task.Status.DONE)
    client = tenant.client_for(tenant.supplier)

    assert "Old job" not in client.get(work_url(org)).content.decode()
    html = client.get(work_url(org) + "?show=all").content.decode()
    assert "Old job" in html and "Finished task" in html


def test_supplier_user_never_sees_another_organizations_work(tenant, other_tenant, plumber):
    # The same supplier user also works for a supplier in the other organization.
    from tests.factories.organizations import MembershipFactory

    MembershipFactory(organization=other_tenant.org, user=tenant.supplier, role="supplier")
    foreign = SupplierFactory(organization=other_tenant.org, name="Foreign AS")
    foreign.users.add(tenant.supplier)
    elsewhere = make_case(
        other_tenant.org, other_tenant.caseworker, title="Foreign job", supplier=foreign
    )
    task(elsewhere, "Foreign task", supplier=foreign)

    html = tenant.client_for(tenant.supplier).get(work_url(tenant.org)).content.decode()

    assert "Foreign job" not in html and "Foreign task" not in html


def test_supplier_user_without_supplier_gets_an_explanation(tenant):
    html = tenant.client_for(tenant.supplier).get(work_url(tenant.org)).content.decode()

    assert "You are not linked to a supplier yet." in html


def test_staff_see_their_own_open_tasks_with_links_to_the_case(tenant, staff_client):
    org, me = tenant.org, tenant.caseworker
    case = make_case(org, tenant.admin, title="Fukt i kjeller")
    task(case, "Mål fuktighet", assignee=me)
    task(case, "Admin's task", assignee=tenant.admin)
    task(case, "Done already", assignee=me, status=Task.Status.DONE)

    response = staff_client.get(work_url(org))

    html = response.content.decode()
    assert "Mål fuktighet" in html
    assert "Admin's task" not in html and "Done already" not in html
    detail = reverse("cases:case_detail", kwargs={"org_slug": org.slug, "number": case.number})
    assert detail in html


def test_work_page_costs_the_same_queries_for_1_and_30_rows(tenant, plumber):
    from tests.cases.lists_support import queries_for_get

    org, me = tenant.org, tenant.caseworker
    client = tenant.client_for(tenant.supplier)

    def add(n):
        for i in range(n):
            case = make_case(
                org,
                me,
                title=f"Job {i}",
                supplier=plumber,
                property=PropertyFactory(organization=org),
            )
            task(case, f"Task {i}", supplier=plumber)

    add(1)
    one, _ = queries_for_get(client, work_url(org))
    add(29)
    thirty, _ = queries_for_get(client, work_url(org))

    assert thirty == one


def test_outsider_gets_404_for_work_page(tenant, outsider_client):
    assert outsider_client.get(work_url(tenant.org)).status_code == 404
