"""500 container labels through a real Celery worker on Redis, with progress on the way."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.db import transaction

from printing.models import PrintJob
from printing.services.jobs import labels_job_create, print_jobs_sweep
from properties.models import Container
from tests.conftest import _tenant
from tests.factories.properties import PropertyFactory
from tests.printing.support import pdf_pages, pdf_text

pytestmark = [
    pytest.mark.celery,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL) for a real worker"),
]


def test_500_labels_render_in_the_worker_with_progress_reported(real_worker):
    tenant = _tenant("printworker", "Trykk Øst")
    prop = PropertyFactory(organization=tenant.org)
    Container.objects.bulk_create(
        Container(
            organization=tenant.org,
            property=prop,
            container_id=f"W-{n:04d}",
            fraction="Papp",
        )
        for n in range(500)
    )
    ids = list(Container.objects.filter(organization=tenant.org).values_list("pk", flat=True))
    with transaction.atomic():
        job = labels_job_create(org=tenant.org, actor=tenant.admin, container_ids=ids)

    seen: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        row = PrintJob.objects.get(pk=job.pk)
        seen.add(row.progress_done)
        if row.status in (PrintJob.Status.DONE, PrintJob.Status.FAILED):
            break
        time.sleep(0.05)
    assert row.status == PrintJob.Status.DONE, row.error
    assert row.progress_done == row.progress_total == 500
    assert any(0 < done < 500 for done in seen), f"no progress seen on the way: {sorted(seen)}"
    content = row.file.read()
    assert pdf_pages(content) == 21  # 3 x 8 per sheet
    text = pdf_text(content)
    assert "W-0000" in text and "W-0499" in text


def test_sweeper_hands_a_lost_job_to_the_worker(real_worker):
    import datetime

    from django.utils import timezone

    tenant = _tenant("printsweep", "Sveip")
    prop = PropertyFactory(organization=tenant.org)
    container = Container.objects.create(
        organization=tenant.org, property=prop, container_id="LOST-1", fraction="Rest"
    )
    # A job whose task never reached the broker: only the row exists.
    job = PrintJob.objects.create(
        organization=tenant.org,
        kind=PrintJob.Kind.LABELS,
        parameters={"container_ids": [container.pk], "format": "a4_3x8"},
        progress_total=1,
        created_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    assert print_jobs_sweep() == 1
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == PrintJob.Status.DONE:
            break
        time.sleep(0.1)
    assert job.status == PrintJob.Status.DONE
