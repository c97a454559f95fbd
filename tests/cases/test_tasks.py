"""Tasks: given to a colleague or a supplier (never both), completed with a note and files,
reopened. Supplier users see and complete only their own supplier's tasks."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.models import CaseEvent, Task
from cases.selectors.tasks import tasks_for_supplier_user
from cases.services.tasks import task_add, task_complete, task_reopen
from notifications.models import Notification
from tests.cases.detail_support import HX, case_url, png_upload
from tests.factories.cases import make_case
from tests.factories.customers import SupplierFactory
from tests.factories.organizations import MembershipFactory, UserFactory


@pytest.fixture
def case(tenant):
    return make_case(tenant.org, tenant.caseworker, title="Strøing av parkeringsplass")


@pytest.fixture
def supplier(tenant):
    """The tenant's supplier company, with the tenant's supplier user working for it."""
    company = SupplierFactory(organization=tenant.org, name="Drift & Vedlikehold AS")
    company.users.add(tenant.supplier)
    return company


def _task_url(task, suffix=""):
    return case_url(task.case, f"tasks/{task.pk}/{suffix}")


# --- Services -------------------------------------------------------------------------------


def test_task_added_for_a_colleague_writes_an_event_and_notifies_them(tenant, case):
    task = task_add(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        title="Strø parkeringsplassen",
        assignee=tenant.admin,
        due_date=datetime.date(2031, 1, 5),
    )

    event = CaseEvent.objects.get(case=case, kind="task_added")
    assert event.task == task and event.new_value == "Strø parkeringsplassen"
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (tenant.admin, "task")
    assert notification.url == f"{case_url(case)}#task-{task.pk}"


def test_task_for_a_supplier_notifies_its_users_with_a_link_to_the_task_page(
    tenant, case, supplier
):
    task = task_add(
        org=tenant.org, actor=tenant.caseworker, case=case, title="Strø", supplier=supplier
    )

    notification = Notification.objects.get()
    assert notification.recipient == tenant.supplier
    assert notification.url == _task_url(task)


def test_task_cannot_go_to_both_a_colleague_and_a_supplier(tenant, case, supplier):
    with pytest.raises(ValidationError):
        task_add(
            org=tenant.org,
            actor=tenant.caseworker,
            case=case,
            title="Strø",
            assignee=tenant.admin,
            supplier=supplier,
        )
    assert not Task.objects.exists()


def test_task_cannot_go_to_a_supplier_user_as_colleague_or_to_an_outsider(
    tenant, other_tenant, case
):
    for user in (tenant.supplier, other_tenant.caseworker):
        with pytest.raises(ValidationError):
            task_add(org=tenant.org, actor=tenant.caseworker, case=case, title="X", assignee=user)
    with pytest.raises(ValidationError):
        task_add(
            org=tenant.org,
            actor=tenant.caseworker,
            case=case,
            title="X",
            supplier=SupplierFactory(organization=other_tenant.org),
        )


def test_task_needs_a_title(tenant, case):
    with pytest.raises(ValidationError):
        task_add(org=tenant.org, actor=tenant.caseworker, case=case, title="  ")


def test_completing_and_reopening_write_events(tenant, case):
    task = task_add(org=tenant.org, actor=tenant.caseworker, case=case, title="Strø")

    task_complete(org=tenant.org, actor=tenant.admin, task=task, note="Strødd kl. 07")
    task.refresh_from_db()
    assert (task.status, task.completion_note, task.completed_by) == (
        "done",
        "Strødd kl. 07",
        tenant.admin,
    )
    done = CaseEvent.objects.get(case=case, kind="task_done")
    assert (done.task, done.new_value, done.actor) == (task, "Strødd kl. 07", tenant.admin)

    task_reopen(org=tenant.org, actor=tenant.caseworker, task=task)
    task.refresh_from_db()
    assert task.status == "open" and task.completed_at is None
    reopened = CaseEvent.objects.get(case=case, field="task_status")
    assert (reopened.old_value, reopened.new_value) == ("done", "open")


def test_completing_a_done_task_again_is_refused(tenant, case):
    task = task_add(org=tenant.org, actor=tenant.caseworker, case=case, title="Strø")
    task_complete(org=tenant.org, actor=tenant.caseworker, task=task)

    with pytest.raises(ValidationError):
        task_complete(org=tenant.org, actor=tenant.caseworker, task=task)


def test_tasks_for_supplier_user_are_only_their_suppliers(tenant, other_tenant, case, supplier):
    mine = task_add(
        org=tenant.org, actor=tenant.caseworker, case=case, title="Mine", supplier=supplier
    )
    other_company = SupplierFactory(organization=tenant.org, name="Andre AS")
    task_add(
        org=tenant.org, actor=tenant.caseworker, case=case, title="Theirs", supplier=other_company
    )
    task_add(
        org=tenant.org, actor=tenant.caseworker, case=case, title="Staff", assignee=tenant.admin
    )
    # The same person working for a supplier of another organization sees nothing of it here.
    MembershipFactory(organization=other_tenant.org, user=tenant.supplier, role="supplier")
    foreign_company = SupplierFactory(organization=other_tenant.org)
    foreign_company.users.add(tenant.supplier)
    foreign_case = make_case(other_tenant.org, other_tenant.caseworker)
    task_add(
        org=other_tenant.org,
        actor=other_tenant.caseworker,
        case=foreign_case,
        title="Elsewhere",
        supplier=foreign_company,
    )

    assert list(tasks_for_supplier_user(tenant.org, tenant.supplier)) == [mine]


# --- Views on the case page -----------------------------------------------------------------


def test_add_task_through_the_page_returns_the_panel_and_the_history_entry(
    tenant, staff_client, case
):
    response = staff_client.post(
        case_url(case, "tasks/"),
        {
            "task-title": "Bytt pakning",
            "task-assignee": tenant.admin.pk,
            "task-due_date": "2031-02-01",
        },
        headers=HX,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="case-tasks"' in html and "Bytt pakning" in html
    assert "added the task" in html
    task = Task.objects.get()
    assert (task.assignee, task.due_date) == (tenant.admin, datetime.date(2031, 2, 1))


def test_add_task_for_both_colleague_and_supplier_answers_400(tenant, staff_client, case, supplier):
    response = staff_client.post(
        case_url(case, "tasks/"),
        {
            "task-title": "Bytt pakning",
            "task-assignee": tenant.admin.pk,
            "task-supplier": supplier.pk,
        },
        headers=HX,
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "not both" in html
    assert 'value="Bytt pakning"' in html
    assert not Task.objects.exists()


def test_complete_task_from_the_case_page_with_a_photo(
    tenant, staff_client, case, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    task = task_add(org=tenant.org, actor=tenant.caseworker, case=case, title="Strø")

    response = staff_client.post(
        _task_url(task, "complete/"),
        {f"done{task.pk}-completion_note": "Ferdig", f"done{task.pk}-files": [png_upload()]},
        headers=HX,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "completed the task" in html and "Ferdig" in html
    task.refresh_from_db()
    assert task.is_done
    assert task.attachments.count() == 1


def test_reopen_task_from_the_case_page(tenant, staff_client, case):
    task = task_add(org=tenant.org, actor=tenant.caseworker, case=case, title="Strø")
    task_complete(org=tenant.org, actor=tenant.caseworker, task=task)

    response = staff_client.post(_task_url(task, "reopen/"), headers=HX)

    assert response.status_code == 200
    assert "reopened the task" in response.content.decode()
    task.refresh_from_db()
    assert not task.is_done


# --- The task page and supplier users -------------------------------------------------------


def test_supplier_user_opens_and_completes_their_task(tenant, case, supplier):
    task = task_add(
        org=tenant.org, actor=tenant.caseworker, case=case, title="Strø", supplier=supplier
    )
    client = tenant.client_for(tenant.supplier)

    page = client.get(_task_url(task))
    assert page.status_code == 200
    assert "Strø" in page.content.decode()
    assert "Internal note" not in page.content.decode()

    response = client.post(
        _task_url(task, "complete/"), {f"done{task.pk}-completion_note": "Strødd", "from": "task"}
    )

    assert response.status_code == 302
    assert response["Location"] == _task_url(task)
    task.refresh_from_db()
    assert task.is_done and task.completed_by == tenant.supplier
    assert CaseEvent.objects.get(kind="task_done").actor == tenant.supplier


def test_supplier_user_gets_404_for_another_suppliers_task(tenant, case, supplier):
    other_company = SupplierFactory(organization=tenant.org, name="Andre AS")
    task = task_add(
        org=tenant.org, actor=tenant.caseworker, case=case, title="Theirs", supplier=other_company
    )
    client = tenant.client_for(tenant.supplier)

    assert client.get(_task_url(task)).status_code == 404
    assert client.post(_task_url(task, "complete/"), {"from": "task"}).status_code == 404
    task.refresh_from_db()
    assert not task.is_done


def test_supplier_user_gets_404_for_a_colleagues_task(tenant, case, supplier):
    task = task_add(
        org=tenant.org, actor=tenant.caseworker, case=case, title="Staff", assignee=tenant.admin
    )

    assert tenant.client_for(tenant.supplier).get(_task_url(task)).status_code == 404


def test_supplier_user_gets_403_on_staff_task_writes(tenant, case, supplier):
    task = task_add(
        org=tenant.org, actor=tenant.caseworker, case=case, title="Strø", supplier=supplier
    )
    task_complete(org=tenant.org, actor=tenant.caseworker, task=task)
    client = tenant.client_for(tenant.supplier)

    assert client.post(_task_url(task, "reopen/")).status_code == 403
    assert client.post(case_url(case, "tasks/"), {"task-title": "X"}).status_code == 403


def test_task_id_under_the_wrong_case_number_gives_404(tenant, staff_client, case):
    task = task_add(org=tenant.org, actor=tenant.caseworker, case=case, title="Strø")
    other = make_case(tenant.org, tenant.caseworker)

    assert staff_client.get(case_url(other, f"tasks/{task.pk}/")).status_code == 404


def test_staff_task_page_links_back_to_the_case(tenant, staff_client, case):
    task = task_add(org=tenant.org, actor=tenant.caseworker, case=case, title="Strø")

    html = staff_client.get(_task_url(task)).content.decode()

    assert f'href="{case_url(case)}#task-{task.pk}"' in html


def test_supplier_completion_with_an_executable_is_refused_on_the_task_page(
    tenant, case, supplier, settings, tmp_path
):
    from tests.cases.detail_support import exe_upload

    settings.MEDIA_ROOT = tmp_path
    task = task_add(
        org=tenant.org, actor=tenant.caseworker, case=case, title="Strø", supplier=supplier
    )
    client = tenant.client_for(tenant.supplier)

    response = client.post(
        _task_url(task, "complete/"),
        {
            f"done{task.pk}-completion_note": "Se bilde",
            f"done{task.pk}-files": [exe_upload()],
            "from": "task",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "is a program" in html and "Se bilde" in html
    task.refresh_from_db()
    assert not task.is_done
    assert not any(tmp_path.rglob("*.*"))


def test_inactive_supplier_membership_loses_access(tenant, case, supplier):
    task = task_add(
        org=tenant.org, actor=tenant.caseworker, case=case, title="Strø", supplier=supplier
    )
    tenant.org.memberships.filter(user=tenant.supplier).update(is_active=False)

    assert tenant.client_for(tenant.supplier).get(_task_url(task)).status_code == 404


def test_new_supplier_user_without_company_sees_no_task(tenant, case, supplier):
    task = task_add(
        org=tenant.org, actor=tenant.caseworker, case=case, title="Strø", supplier=supplier
    )
    loner = UserFactory(email="loner@example.com")
    MembershipFactory(organization=tenant.org, user=loner, role="supplier")

    assert tenant.client_for(loner).get(_task_url(task)).status_code == 404
