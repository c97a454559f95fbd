"""Tasks on a deviation, as on a case: added, given to a colleague or a supplier, completed with
documentation, reopened; each step in the deviation's history; case tasks unchanged."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases.models import Attachment, CaseEvent, DeviationFile, Task
from cases.services.tasks import task_add, task_complete, task_reopen, task_url
from notifications.models import Notification, OutboundMessage
from organizations.models_audit import AuditEvent
from tests.cases.detail_support import png_upload
from tests.deviations.support import deviation_url, make_deviation
from tests.factories.cases import make_case
from tests.factories.customers import SupplierFactory


@pytest.fixture
def deviation(tenant):
    return make_deviation(tenant)


@pytest.fixture
def supplier(tenant):
    supplier = SupplierFactory(organization=tenant.org, name="Rørlegger Hansen AS")
    supplier.users.add(tenant.supplier)
    return supplier


def task_events(task: Task) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type="cases.task", object_id=task.pk).order_by("id")
    )


def test_a_task_belongs_to_exactly_one_of_case_and_deviation(tenant, deviation):
    case = make_case(tenant.org, tenant.caseworker)

    for parents in ({}, {"case": case, "deviation": deviation}):
        with pytest.raises(ValueError):
            task_add(org=tenant.org, actor=tenant.caseworker, title="Both or none", **parents)
    for parents in ({}, {"case": case, "deviation": deviation}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Task.objects.create(organization=tenant.org, title="Raw", **parents)


def test_task_on_a_deviation_with_files_history_and_bell(tenant, deviation):
    task = task_add(
        org=tenant.org,
        actor=tenant.caseworker,
        deviation=deviation,
        title="Fasten the railing",
        assignee=tenant.admin,
        uploads=[png_upload("before.png")],
    )

    assert (task.deviation_id, task.case_id) == (deviation.pk, None)
    [row] = DeviationFile.objects.filter(task=task)
    assert (row.deviation_id, row.original_name) == (deviation.pk, "before.png")
    assert not Attachment.objects.exists()
    assert not CaseEvent.objects.filter(task=task).exists()
    created, attached = task_events(task)
    assert (created.action, created.module) == ("created", "deviations")
    assert created.changes["title"] == ["", "Fasten the railing"]
    assert created.changes["assignee"] == ["", str(tenant.admin)]
    assert attached.changes == {"file": ["", "before.png"]}
    [notice] = Notification.objects.filter(recipient=tenant.admin)
    assert notice.url == task_url(task) == deviation_url(deviation, f"tasks/{task.pk}/")
    # The task e-mail templates speak of cases: no e-mail rather than a wrong one.
    assert not OutboundMessage.objects.exists()


def test_complete_and_reopen_a_deviation_task_record_their_history(tenant, deviation):
    task = task_add(org=tenant.org, actor=tenant.caseworker, deviation=deviation, title="Fix")

    task_complete(
        org=tenant.org,
        actor=tenant.admin,
        task=task,
        note="Bolted to the wall.",
        uploads=[png_upload("after.png")],
    )
    task_reopen(org=tenant.org, actor=tenant.caseworker, task=task)

    task.refresh_from_db()
    assert task.status == "open"
    assert DeviationFile.objects.get(task=task).original_name == "after.png"
    actions = [(e.action, e.changes) for e in task_events(task)]
    assert actions[1:] == [
        (
            "closed",
            {"status": ["Open", "Done"], "completion_note": ["", "Bolted to the wall."]},
        ),
        ("attached", {"file": ["", "after.png"]}),
        ("reopened", {"status": ["Done", "Open"]}),
    ]


def test_task_on_another_organizations_deviation_is_refused(tenant, other_tenant):
    foreign = make_deviation(other_tenant)

    with pytest.raises(ValidationError, match="That belongs to another organization."):
        task_add(org=tenant.org, actor=tenant.caseworker, deviation=foreign, title="Hijack")
    assert not Task.objects.exists()


def test_case_tasks_still_write_case_events(tenant):
    case = make_case(tenant.org, tenant.caseworker)

    task = task_add(org=tenant.org, actor=tenant.caseworker, case=case, title="Inspect")

    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.TASK_ADDED, task=task).exists()
    assert task_url(task) == f"/{tenant.org.slug}/cases/{case.number}/tasks/{task.pk}/"


def test_deviation_page_adds_and_completes_tasks(tenant, staff_client, deviation):
    response = staff_client.post(
        deviation_url(deviation, "tasks/"),
        {"task-title": "Put up a warning sign", "task-assignee": tenant.admin.pk},
    )
    task = Task.objects.get(deviation=deviation)
    assert response.status_code == 302
    assert response["Location"] == deviation_url(deviation) + f"#task-{task.pk}"

    page = staff_client.get(deviation_url(deviation)).content.decode()
    assert "Put up a warning sign" in page
    assert "the task “Put up a warning sign”" in page  # its history entry

    response = staff_client.post(
        deviation_url(deviation, f"tasks/{task.pk}/complete/"),
        {f"done{task.pk}-completion_note": "Sign is up."},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"


def test_a_rejected_task_keeps_what_was_typed(tenant, staff_client, deviation, supplier):
    response = staff_client.post(
        deviation_url(deviation, "tasks/"),
        {
            "task-title": "Both given",
            "task-assignee": tenant.admin.pk,
            "task-supplier": supplier.pk,
        },
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "not both" in page
    assert 'value="Both given"' in page
    assert not Task.objects.exists()


def test_supplier_user_sees_and_completes_their_deviation_task(tenant, deviation, supplier):
    task = task_add(
        org=tenant.org,
        actor=tenant.caseworker,
        deviation=deviation,
        title="Replace the lock",
        supplier=supplier,
    )
    other = task_add(
        org=tenant.org, actor=tenant.caseworker, deviation=deviation, title="Internal check"
    )
    client = tenant.client_for(tenant.supplier)

    work = client.get(f"/{tenant.org.slug}/work/").content.decode()
    assert "Replace the lock" in work and "Internal check" not in work
    assert client.get(deviation_url(deviation, f"tasks/{task.pk}/")).status_code == 200
    assert client.get(deviation_url(deviation, f"tasks/{other.pk}/")).status_code == 404
    assert client.get(deviation_url(deviation)).status_code == 403

    response = client.post(
        deviation_url(deviation, f"tasks/{task.pk}/complete/"),
        {"from": "task", f"done{task.pk}-completion_note": "New lock fitted."},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.completed_by_id) == ("done", tenant.supplier.pk)


def test_staff_my_work_lists_open_deviation_tasks(tenant, deviation, staff_client):
    task_add(
        org=tenant.org,
        actor=tenant.admin,
        deviation=deviation,
        title="Check the smoke detectors",
        assignee=tenant.caseworker,
    )

    page = staff_client.get(f"/{tenant.org.slug}/work/").content.decode()

    assert "Check the smoke detectors" in page
    assert f"Deviation #{deviation.number}" in page
