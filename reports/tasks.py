"""Background jobs of the reports app (the task class is ScopedTask, config/celery.py)."""

from __future__ import annotations

from celery import shared_task

from organizations.tenancy import all_organizations, organization_scope
from reports.services.export_jobs import export_job_run, export_jobs_expire, export_jobs_sweep


@shared_task(acks_late=True, ignore_result=True)
def run_export_job(organization_id: int, job_id: int) -> None:
    """Write an export's file; a failure is recorded on the job (no retry: it would fail the
    same way)."""
    with organization_scope(organization_id):
        export_job_run(job_id)


@shared_task(ignore_result=True)
def sweep_export_jobs() -> int:
    """Beat: enqueue export jobs whose task was lost (Redis flushed, worker killed)."""
    with all_organizations("beat re-enqueues every organization's lost exports"):
        return export_jobs_sweep()


@shared_task(ignore_result=True)
def delete_expired_exports() -> int:
    """Beat: delete export files past their expiry."""
    with all_organizations("beat deletes every organization's expired exports"):
        return export_jobs_expire()


@shared_task(ignore_result=True)
def refresh_dashboards() -> int:
    """Beat: enqueue a refresh of the default dashboard views of every organization whose
    dashboard was opened within the last hour (reports/dashboard/cache.py)."""
    from organizations.models import Organization
    from reports.dashboard.cache import REFRESH_SECONDS, opened_languages

    with all_organizations("beat finds the organizations whose dashboard is in use"):
        org_ids = list(Organization.objects.values_list("pk", flat=True))
    opened = opened_languages(org_ids)
    for org_id, languages in opened.items():
        # A refresh not started before the next one is due would only repeat it.
        refresh_dashboard.apply_async((org_id, languages), expires=REFRESH_SECONDS)
    return len(opened)


@shared_task(ignore_result=True)
def refresh_dashboard(organization_id: int, languages: list[str]) -> int:
    """Recompute one organization's default dashboard views and their pages in `languages`."""
    from organizations.models import Organization
    from reports.dashboard.cache import refresh_default_views

    with organization_scope(organization_id):
        org = Organization.objects.get(pk=organization_id)
        return refresh_default_views(org, languages)
