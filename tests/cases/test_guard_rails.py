"""Guard rails (issue 14): dates outside 2000 to ten years ahead are refused everywhere a
person sets one; a case with open tasks is not closed without a word — a confirmation lists
them and closes them with it; nobody acts on tasks of a closed case."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Case, CaseEvent, Task
from cases.selectors.work import supplier_tasks
from cases.services.cases import case_change, case_close
from cases.services.dates import date_bounds
from cases.services.deviations import DeviationData, deviation_create
from cases.services.tasks import task_add, task_complete, task_reopen
from tests.cases.detail_support import HX, case_url
from tests.factories.cases import make_case
from tests.factories.customers import SupplierFactory

TYPOS = [datetime.date(1901, 5, 1), datetime.date(9999, 12, 31), datetime.date(1999, 12, 31)]


@pytest.fixture
def case(tenant):
    return make_case(tenant.org, tenant.caseworker, title="Vannlekkasje")


@pytest.fixture
def supplier(tenant):
    company = SupplierFactory(organization=tenant.org, name="Rør AS")
    company.users.add(tenant.supplier)
    return company


# --- Dates --------------------------------------------------------------------------------


@pytest.mark.parametrize("typo", TYPOS)
def test_case_deadline_out_of_range_is_refused_on_creation(tenant, typo):
    with pytest.raises(ValidationError) as exc:
        make_case(tenant.org, tenant.caseworker, deadline=typo)
    assert "Choose a date between" in exc.value.message_dict["deadline"][0]
    assert not Case.objects.exists()


@pytest.mark.parametrize("typo", TYPOS)
def test_case_deadline_out_of_range_is_refused_on_change(tenant, case, typo):
    with pytest.raises(ValidationError, match="Choose a date between"):
        case_change(org=tenant.org, actor=tenant.caseworker, case=case, deadline=typo)
    case.refresh_from_db()
    assert case.deadline is None


def test_the_bounds_themselves_are_accepted(tenant, case):
    earliest, latest = date_bounds()
    assert earliest == datetime.date(2000, 1, 1)
    assert latest.year == timezone.localdate().year + 10
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, deadline=latest)
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, deadline=earliest)
    case.refresh_from_db()
    assert case.deadline == earliest


def test_a_stored_deadline_may_stay_when_other_fields_change(tenant, case):
    Case.objects.filter(pk=case.pk).update(deadline=datetime.date(1999, 1, 1))  # old data
    case.refresh_from_db()
    case_change(
        org=tenant.org, actor=tenant.caseworker, case=case, deadline=case.deadline, title="Ny"
    )
    assert Case.objects.get(pk=case.pk).title == "Ny"


@pytest.mark.parametrize("typo", TYPOS)
def test_task_due_date_out_of_range_is_refused(tenant, case, typo):
    with pytest.raises(ValidationError) as exc:
        task_add(org=tenant.org, actor=tenant.caseworker, case=case, title="Sjekk", due_date=typo)
    assert "Choose a date between" in exc.value.message_dict["due_date"][0]
    assert not Task.objects.exists()


def test_task_form_shows_the_date_error_and_keeps_nothing(tenant, staff_client, case):
    response = staff_client.post(
        case_url(case, "tasks/"), {"task-title": "Sjekk", "task-due_date": "9999-12-31"}, headers=HX
    )
    assert response.status_code == 400
    assert "Choose a date between" in response.content.decode()
    assert not Task.objects.exists()


def test_deviation_due_date_uses_the_same_rail(tenant):
    with pytest.raises(ValidationError) as exc:
        deviation_create(
            org=tenant.org,
            actor=tenant.caseworker,
            data=DeviationData(title="Glatt trapp", due_date=datetime.date(1901, 1, 1)),
        )
    assert "Choose a date between" in exc.value.message_dict["due_date"][0]


# --- Closing with open tasks --------------------------------------------------------------


def _open_task(tenant, case, supplier, title="Skift pakning"):
    return task_add(
        org=tenant.org, actor=tenant.caseworker, case=case, title=title, supplier=supplier
    )


def test_closing_with_open_tasks_is_refused_without_confirmation(tenant, case, supplier):
    _open_task(tenant, case, supplier)
    with pytest.raises(ValidationError) as exc:
        case_close(org=tenant.org, actor=tenant.caseworker, case=case, resolution="Fikset")
    assert exc.value.error_list[0].code == "open_tasks"
    assert Case.objects.get(pk=case.pk).status == Case.Status.NEW


def test_confirmed_close_closes_the_open_tasks_with_history(tenant, case, supplier):
    task = _open_task(tenant, case, supplier)
    case_close(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        resolution="Fikset",
        close_open_tasks=True,
    )
    task.refresh_from_db()
    assert task.is_done and task.completion_note == "Closed with the case."
    assert task.completed_by == tenant.caseworker
    done = CaseEvent.objects.get(kind=CaseEvent.Kind.TASK_DONE)
    assert done.data == {"closed_with_case": True}
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED


def test_close_form_asks_for_confirmation_listing_the_open_tasks(
    tenant, staff_client, case, supplier
):
    _open_task(tenant, case, supplier, title="Skift pakning")
    response = staff_client.post(case_url(case, "close/"), {"resolution": "Fikset"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skift pakning" in html and "Close the case and its open tasks" in html
    assert 'name="resolution"' in html and "Fikset" in html  # what was typed is kept
    assert Case.objects.get(pk=case.pk).status == Case.Status.NEW


def test_close_form_over_htmx_replaces_the_page_with_the_confirmation(
    tenant, staff_client, case, supplier
):
    _open_task(tenant, case, supplier)
    response = staff_client.post(case_url(case, "close/"), {"resolution": "Fikset"}, headers=HX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "body"
    assert "Close the case and its open tasks" in response.content.decode()


def test_confirming_closes_case_and_tasks(tenant, staff_client, case, supplier):
    task = _open_task(tenant, case, supplier)
    response = staff_client.post(case_url(case, "close/confirm/"), {"resolution": "Fikset"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED
    assert Task.objects.get(pk=task.pk).is_done


def test_confirm_without_resolution_keeps_everything_open(tenant, staff_client, case, supplier):
    task = _open_task(tenant, case, supplier)
    response = staff_client.post(case_url(case, "close/confirm/"), {"resolution": " "})
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).is_open
    assert not Task.objects.get(pk=task.pk).is_done


def test_closing_without_open_tasks_needs_no_confirmation(tenant, staff_client, case):
    response = staff_client.post(case_url(case, "close/"), {"resolution": "Fikset"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED


def test_outsider_gets_404_on_close_confirmation(outsider_client, tenant, case, supplier):
    _open_task(tenant, case, supplier)
    response = outsider_client.post(case_url(case, "close/confirm/"), {"resolution": "x"})
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).is_open


def test_close_refuses_another_organizations_case(tenant, other_tenant):
    foreign = make_case(other_tenant.org, other_tenant.caseworker)
    with pytest.raises(ValidationError, match="another organization"):
        case_close(
            org=tenant.org,
            actor=tenant.caseworker,
            case=foreign,
            resolution="x",
            close_open_tasks=True,
        )


# --- Tasks of a closed case ---------------------------------------------------------------


def _closed_with_open_task(tenant, case, supplier) -> Task:
    """A case closed through a path without confirmation (the API's status change)."""
    task = _open_task(tenant, case, supplier)
    case_change(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        resolution="Fikset",
        status=Case.Status.CLOSED,
    )
    return task


def test_supplier_cannot_complete_a_task_of_a_closed_case(tenant, case, supplier):
    task = _closed_with_open_task(tenant, case, supplier)
    with pytest.raises(ValidationError, match="The case is closed"):
        task_complete(org=tenant.org, actor=tenant.supplier, task=task, note="Ferdig")
    assert not Task.objects.get(pk=task.pk).is_done


def test_supplier_task_page_refuses_completion_on_a_closed_case(tenant, case, supplier):
    task = _closed_with_open_task(tenant, case, supplier)
    client = tenant.client_for(tenant.supplier)
    response = client.post(
        case_url(case, f"tasks/{task.pk}/complete/"),
        {f"done{task.pk}-completion_note": "Ferdig", "from": "task"},
    )
    assert response.status_code == 200
    assert "The case is closed" in response.content.decode()
    assert not Task.objects.get(pk=task.pk).is_done


def test_closed_cases_tasks_leave_the_suppliers_open_work(tenant, case, supplier):
    task = _closed_with_open_task(tenant, case, supplier)
    assert list(supplier_tasks(tenant.org, tenant.supplier, include_done=False)) == []
    assert list(supplier_tasks(tenant.org, tenant.supplier, include_done=True)) == [task]


def test_a_done_task_of_a_closed_case_cannot_be_reopened(tenant, case, supplier):
    task = _open_task(tenant, case, supplier)
    case_close(
        org=tenant.org, actor=tenant.caseworker, case=case, resolution="x", close_open_tasks=True
    )
    task.refresh_from_db()
    with pytest.raises(ValidationError, match="The case is closed"):
        task_reopen(org=tenant.org, actor=tenant.caseworker, task=task)
