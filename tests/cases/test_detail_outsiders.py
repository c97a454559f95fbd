"""A member of another organization gets 404 on every URL of the case page, whether through
this organization's prefix or with this organization's ids under their own prefix, and
nothing changes."""

from __future__ import annotations

import pytest

from cases.models import Case, CaseEvent, Note, Tag, Task, TimeEntry
from cases.services.attachments import attachments_add
from cases.services.tags import case_tag_add
from cases.services.tasks import task_add
from tests.cases.detail_support import case_url, png_upload, rich_case
from tests.factories.cases import make_case


@pytest.fixture
def world(tenant, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = rich_case(tenant)
    task = task_add(org=tenant.org, actor=tenant.caseworker, case=case, title="Strø")
    [attachment] = attachments_add(
        org=tenant.org, actor=tenant.caseworker, case=case, uploads=[png_upload()]
    )
    case_tag_add(org=tenant.org, actor=tenant.caseworker, case=case, name="Garanti")
    tag = Tag.objects.get()
    return case, task, attachment, tag


def _requests(case, task, attachment, tag, org_admin_id):
    """(method, path, data) for every case-page URL, with valid bodies."""
    return [
        ("get", "", {}),
        ("post", "field/status/", {"status": "waiting"}),
        ("post", "field/assignee/", {"assignee": org_admin_id}),
        ("post", "field/customer/", {"customer": ""}),
        ("post", "field/containers/", {"containers": []}),
        ("post", "close/", {"resolution": "Hijacked"}),
        ("post", "reopen/", {"status": "new"}),
        ("post", "notes/", {"note-body": "Hijacked"}),
        ("get", "mention-candidates/", {"q": ""}),
        ("post", "tasks/", {"task-title": "Hijacked"}),
        ("get", f"tasks/{task.pk}/", {}),
        ("post", f"tasks/{task.pk}/complete/", {f"done{task.pk}-completion_note": "x"}),
        ("post", f"tasks/{task.pk}/reopen/", {}),
        ("post", "attachments/", {}),
        ("get", f"attachments/{attachment.pk}/", {}),
        ("get", f"attachments/{attachment.pk}/thumbnail/", {}),
        ("post", "time/", {"time-duration": "10", "time-date": "2031-01-01"}),
        ("post", "tags/", {"tag-name": "Hijacked"}),
        ("post", f"tags/{tag.pk}/remove/", {}),
    ]


def _snapshot(case: Case):
    case.refresh_from_db()
    return (
        case.status,
        case.customer_id,
        case.containers.count(),
        CaseEvent.objects.filter(case=case).count(),
        Note.objects.count(),
        Task.objects.filter(status="open").count(),
        TimeEntry.objects.count(),
        case.tags.count(),
    )


def test_outsider_gets_404_for_every_case_page_url(tenant, outsider_client, world):
    case, task, attachment, tag = world
    before = _snapshot(case)

    for method, path, data in _requests(case, task, attachment, tag, tenant.admin.pk):
        response = getattr(outsider_client, method)(case_url(case, path), data)
        assert response.status_code == 404, (method, path, response.status_code)

    assert _snapshot(case) == before


def test_outsider_gets_404_using_these_ids_under_their_own_prefix(
    tenant, other_tenant, outsider_client, world
):
    """The org check passes there; each lookup itself must be scoped to the organization."""
    case, task, attachment, tag = world
    own_case = make_case(other_tenant.org, other_tenant.caseworker)
    assert own_case.number == case.number  # same number, other organization
    before = _snapshot(case)

    id_requests = [
        ("get", f"tasks/{task.pk}/", {}),
        ("post", f"tasks/{task.pk}/complete/", {f"done{task.pk}-completion_note": "x"}),
        ("post", f"tasks/{task.pk}/reopen/", {}),
        ("get", f"attachments/{attachment.pk}/", {}),
        ("get", f"attachments/{attachment.pk}/thumbnail/", {}),
        ("post", f"tags/{tag.pk}/remove/", {}),
    ]
    for method, path, data in id_requests:
        url = f"/{other_tenant.org.slug}/cases/{own_case.number}/{path}"
        response = getattr(outsider_client, method)(url, data)
        assert response.status_code == 404, (method, path, response.status_code)

    assert _snapshot(case) == before
