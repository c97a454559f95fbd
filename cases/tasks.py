"""Background jobs of the cases app."""

from __future__ import annotations

from celery import shared_task

from cases.services.attachments import attachment_thumbnails_make
from cases.services.thumbnails import thumbnails_sweep
from organizations.tenancy import all_organizations, organization_scope


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def make_thumbnails(organization_id: int, attachment_ids: list[int]) -> int:
    """Thumbnails for images attached without one (copied from inquiries)."""
    with organization_scope(organization_id):
        return attachment_thumbnails_make(attachment_ids)


@shared_task(ignore_result=True)
def sweep_thumbnails() -> int:
    """Beat: enqueue images left without a thumbnail (their task was lost, e.g. Redis down)."""
    with all_organizations("beat finds every organization's images without a thumbnail"):
        return thumbnails_sweep()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def make_deviation_thumbnails(organization_id: int, file_ids: list[int]) -> int:
    """Thumbnails for photos on deviations (uploaded, or copied from an inquiry or a case)."""
    from cases.services.deviation_files import deviation_thumbnails_make

    with organization_scope(organization_id):
        return deviation_thumbnails_make(file_ids)


@shared_task(ignore_result=True)
def sweep_service_levels() -> int:
    """Beat, every minute: notify the service-level thresholds (at risk, missed) cases reached
    since the last run, once each (cases/services/service_level_sweep.py)."""
    from cases.services.service_level_sweep import service_levels_sweep

    return service_levels_sweep()
