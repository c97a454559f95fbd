""" "My work" (issue 14): a task past its due date is flagged, and each task row opens it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Task
from tests.factories.cases import make_case
from tests.factories.customers import SupplierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plumber(tenant):
    supplier = SupplierFactory(organization=tenant.org, name="Rørlegger Hansen AS")
    supplier.users.add(tenant.supplier)
    return supplier


def _task(case, title, **fields) -> Task:
    return Task.objects.create(organization=case.organization, case=case, title=title, **fields)


def _row(html: str, title: str) -> str:
    start = html.rindex("<tr", 0, html.index(title))
    return html[start : html.index("</tr>", start)]


def test_overdue_tasks_are_flagged_and_rows_open_the_task(tenant, plumber):
    case = make_case(tenant.org, tenant.caseworker, title="Lekkasje", supplier=plumber)
    today = timezone.localdate()
    late = _task(case, "Bytt pakning", supplier=plumber, due_date=today - datetime.timedelta(1))
    _task(case, "Sjekk rør", supplier=plumber, due_date=today)
    url = reverse("cases:supplier_work", kwargs={"org_slug": tenant.org.slug})
    html = tenant.client_for(tenant.supplier).get(url).content.decode()

    late_row = _row(html, "Bytt pakning")
    assert 'class="row-link overdue"' in late_row
    assert '<span class="overdue-label">Overdue</span>' in late_row
    link = reverse(
        "cases:task_detail",
        kwargs={"org_slug": tenant.org.slug, "number": case.number, "task_id": late.pk},
    )
    assert f'<a class="row-main" href="{link}">' in late_row
    today_row = _row(html, "Sjekk rør")
    assert "overdue" not in today_row
    assert "css/supplier_work.css" in html


def test_a_done_task_is_not_overdue(tenant, plumber):
    case = make_case(tenant.org, tenant.caseworker, title="Lekkasje", supplier=plumber)
    past = timezone.localdate() - datetime.timedelta(days=3)
    _task(case, "Ferdig jobb", supplier=plumber, due_date=past, status=Task.Status.DONE)
    url = reverse("cases:supplier_work", kwargs={"org_slug": tenant.org.slug}) + "?show=all"
    html = tenant.client_for(tenant.supplier).get(url).content.decode()
    assert "overdue" not in _row(html, "Ferdig jobb")


def test_outsiders_get_404(tenant, outsider_client):
    url = reverse("cases:supplier_work", kwargs={"org_slug": tenant.org.slug})
    assert outsider_client.get(url).status_code == 404


def test_another_organizations_tasks_are_not_listed(tenant, other_tenant, plumber):
    foreign_supplier = SupplierFactory(organization=other_tenant.org, name="Annen AS")
    foreign = make_case(other_tenant.org, other_tenant.caseworker, supplier=foreign_supplier)
    _task(foreign, "Fremmed oppgave", supplier=foreign_supplier)
    url = reverse("cases:supplier_work", kwargs={"org_slug": tenant.org.slug})
    html = tenant.client_for(tenant.supplier).get(url).content.decode()
    assert "Fremmed oppgave" not in html
