"""A background export end to end: the request queues the job, a real Celery worker on Redis
writes the file with progress on the way, and the requester downloads it."""

from __future__ import annotations

import csv
import io
import time

import pytest
from django.conf import settings
from django.urls import reverse

from cases.models import Case
from reports.models import ExportJob
from tests.cases.lists_support import rich_cases
from tests.conftest import _tenant

pytestmark = [
    pytest.mark.celery,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL) for a real worker"),
]


def test_large_export_runs_in_the_worker_and_downloads(real_worker, settings, monkeypatch):
    settings.EXPORT_BACKGROUND_ABOVE = 100
    monkeypatch.setattr("organizations.tabular.PROGRESS_EVERY", 100)
    monkeypatch.setattr("reports.services.case_export.BATCH", 150)
    tenant = _tenant("exportworker", "Eksport Øst")
    rich_cases(tenant.org, tenant.caseworker, 1200, title="Lekkasje på Ærø")
    client = tenant.client_for(tenant.caseworker)
    export = reverse("reports:case_export", kwargs={"org_slug": tenant.org.slug})

    response = client.post(export, {"format": "csv", "status": "open", "sort": "number"})

    job = ExportJob.objects.get(organization=tenant.org)
    assert response.status_code == 302
    seen: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job.refresh_from_db()
        seen.add(job.progress_done)
        if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            break
        time.sleep(0.02)
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.progress_done == job.progress_total == 1200
    assert any(0 < done < 1200 for done in seen), f"no progress seen: {sorted(seen)}"

    page = client.get(response["Location"])
    assert "The file with 1,200 cases is ready." in page.content.decode() or (
        "The file with 1200 cases is ready." in page.content.decode()
    )
    kwargs = {"org_slug": tenant.org.slug, "export_id": job.pk}
    download = client.get(reverse("reports:export_download", kwargs=kwargs))
    data = b"".join(download.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    numbers = sorted(Case.objects.filter(organization=tenant.org).values_list("number", flat=True))
    assert [int(row[0]) for row in rows[1:]] == numbers
    assert rows[1][1] == "Lekkasje på Ærø"
