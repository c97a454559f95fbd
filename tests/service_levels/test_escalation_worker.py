"""Escalation through a real Celery worker on Redis, as beat runs it in production: the
beat-scheduled task run again and again notifies each threshold once, not on every run.

The worker runs in a thread of the test process with its own database connection (and starts
each task with no organization, like production), so the data is committed
(transactional_db through `real_worker`).
"""

from __future__ import annotations

import datetime
import time

import pytest
from django.conf import settings
from django.utils import timezone

from cases.models import Case
from cases.tasks import sweep_service_levels
from notifications.models import Notification
from tests.factories.cases import make_case
from tests.factories.service_levels import ServiceLevelPolicyFactory, always_open

pytestmark = [
    pytest.mark.celery,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL) for a real worker"),
]


def _run_sweep_and_wait() -> None:
    """Send the beat job to the worker and wait until it has run (its markers are written in
    the same transaction as its notices, so one finished run is visible as a whole)."""
    result = sweep_service_levels.apply_async()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if _done(result.id):
            return
        time.sleep(0.1)
    raise AssertionError("the worker did not run the sweep")


_finished: set[str] = set()


def _done(task_id: str) -> bool:
    return task_id in _finished


@pytest.fixture
def finished_tasks():
    from celery.signals import task_postrun

    def record(task_id=None, **kwargs):
        _finished.add(task_id)

    task_postrun.connect(record, weak=False)
    yield
    task_postrun.disconnect(record)
    _finished.clear()


def notices(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind="service_level")
        .order_by("id")
        .values_list("text", flat=True)
    )


def test_the_beat_job_is_scheduled_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-service-levels"]
    assert entry["task"] == sweep_service_levels.name
    assert entry["schedule"] == 60.0


def test_each_threshold_is_notified_once_however_often_the_worker_sweeps(
    tenant, real_worker, finished_tasks
):
    always_open(tenant.org)
    ServiceLevelPolicyFactory(
        organization=tenant.org, first_response_minutes=60, resolution_minutes=None
    )
    case = make_case(tenant.org, tenant.admin, title="Boiler down", assignee=tenant.caseworker)
    # Opened 50 minutes ago: past 80 % of the hour, not yet past the hour.
    shift = datetime.timedelta(minutes=50)
    Case.objects.filter(pk=case.pk).update(
        created_at=case.created_at - shift,
        first_response_due=case.first_response_due - shift,
        first_response_risk_at=case.first_response_risk_at - shift,
        sla_next_due=case.sla_next_due - shift,
        sla_next_risk=case.sla_next_risk - shift,
        sla_next_escalation=case.sla_next_escalation - shift,
    )

    _run_sweep_and_wait()
    _run_sweep_and_wait()

    assert len(notices(tenant.caseworker)) == 1
    assert "needs a first response" in notices(tenant.caseworker)[0]

    # An hour later by the case's clock: the time is up; told once, again however often.
    later = datetime.timedelta(hours=1)
    case.refresh_from_db()
    Case.objects.filter(pk=case.pk).update(
        first_response_due=case.first_response_due - later,
        first_response_risk_at=case.first_response_risk_at - later,
        sla_next_due=case.sla_next_due - later,
        sla_next_risk=case.sla_next_risk - later,
        sla_next_escalation=timezone.now() - later,
    )
    for _ in range(3):
        _run_sweep_and_wait()

    texts = notices(tenant.caseworker)
    assert len(texts) == 2
    assert "missed its first-response time" in texts[1]
    case.refresh_from_db()
    assert case.sla_next_escalation is None
