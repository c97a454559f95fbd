"""A member of another organization gets 404 on every deviation URL, through this
organization's prefix or with this organization's numbers and ids under their own, and nothing
changes; anonymous visitors are sent to sign in; supplier users get 403 on staff pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Deviation, DeviationFile, Task
from cases.services.tasks import task_add
from inquiries.models import Channel
from inquiries.services.intake import inquiry_receive
from organizations.models_audit import AuditEvent
from tests.cases.detail_support import png_upload
from tests.deviations.support import make_deviation
from tests.factories.cases import make_case


@pytest.fixture
def world(tenant):
    deviation = make_deviation(tenant, uploads=[png_upload()])
    task = task_add(org=tenant.org, actor=tenant.caseworker, deviation=deviation, title="Fix")
    file = DeviationFile.objects.get(deviation=deviation)
    case = make_case(tenant.org, tenant.caseworker)
    inquiry = inquiry_receive(org=tenant.org, channel=Channel.WEB_FORM, subject="Glass")
    return deviation, task, file, case, inquiry


def requests_for(deviation, task, file, case, inquiry):
    """(method, path below the organization, data) for every deviation URL, with valid bodies."""
    d = f"deviations/{deviation.number}"
    return [
        ("get", "deviations/", {}),
        ("get", "deviations/export.csv", {}),
        ("get", "deviations/new/", {}),
        ("get", f"deviations/new/?case={case.number}", {}),
        ("post", "deviations/new/", {"title": "Hijack", "type": "other", "severity": "low"}),
        ("get", f"{d}/", {}),
        ("get", f"{d}/edit/", {}),
        ("post", f"{d}/edit/", {"title": "Hijacked", "type": "other", "severity": "low"}),
        ("post", f"{d}/status/", {"status-status": "in_treatment"}),
        ("post", f"{d}/files/", {}),
        ("get", f"{d}/files/{file.pk}/", {}),
        ("get", f"{d}/files/{file.pk}/thumbnail/", {}),
        ("post", f"{d}/tasks/", {"task-title": "Hijack"}),
        ("get", f"{d}/tasks/{task.pk}/", {}),
        ("post", f"{d}/tasks/{task.pk}/complete/", {f"done{task.pk}-completion_note": "x"}),
        ("post", f"{d}/tasks/{task.pk}/reopen/", {}),
        ("get", f"inquiries/{inquiry.pk}/deviation/", {}),
        (
            "post",
            f"inquiries/{inquiry.pk}/deviation/",
            {"title": "Hijack", "type": "other", "severity": "low"},
        ),
    ]


def snapshot(deviation):
    deviation.refresh_from_db()
    return (
        deviation.title,
        deviation.status,
        Deviation.objects.count(),
        Task.objects.filter(status="open").count(),
        DeviationFile.objects.count(),
        AuditEvent.objects.count(),
    )


def test_outsider_gets_404_for_every_deviation_url(tenant, outsider_client, world):
    before = snapshot(world[0])

    for method, path, data in requests_for(*world):
        response = getattr(outsider_client, method)(f"/{tenant.org.slug}/{path}", data)
        assert response.status_code == 404, (method, path, response.status_code)

    assert snapshot(world[0]) == before


def test_outsider_gets_404_using_these_numbers_under_their_own_prefix(
    tenant, other_tenant, outsider_client, world
):
    deviation, *_ = world
    before = snapshot(deviation)

    for method, path, data in requests_for(*world)[5:]:
        response = getattr(outsider_client, method)(f"/{other_tenant.org.slug}/{path}", data)
        assert response.status_code == 404, (method, path, response.status_code)

    assert snapshot(deviation) == before


def test_anonymous_visitors_are_sent_to_sign_in(tenant, client, world):
    for method, path, data in requests_for(*world):
        response = getattr(client, method)(f"/{tenant.org.slug}/{path}", data)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("login"))


def test_supplier_users_get_403_on_the_staff_pages(tenant, world):
    client = tenant.client_for(tenant.supplier)
    staff_only = [
        r for r in requests_for(*world) if "/tasks/" not in r[1] and "/files/" not in r[1]
    ]

    for method, path, data in staff_only:
        response = getattr(client, method)(f"/{tenant.org.slug}/{path}", data)
        assert response.status_code == 403, path
    # Files and tasks not given to their supplier: 404, as if they did not exist.
    for method, path, _data in requests_for(*world):
        if ("/tasks/" in path or "/files/" in path) and method == "get":
            assert client.get(f"/{tenant.org.slug}/{path}").status_code == 404, path
