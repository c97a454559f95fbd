"""Background jobs of the printing app."""

from __future__ import annotations

from celery import shared_task

from organizations.tenancy import all_organizations, organization_scope
from printing.services.jobs import print_job_run, print_jobs_expire, print_jobs_sweep


@shared_task(acks_late=True, ignore_result=True)
def render_print_job(organization_id: int, job_id: int) -> None:
    """Render a print job's PDF; a failure is recorded on the job (no retry: it would fail
    the same way)."""
    with organization_scope(organization_id):
        print_job_run(job_id)


@shared_task(ignore_result=True)
def sweep_print_jobs() -> int:
    """Beat: enqueue print jobs whose task was lost (Redis flushed, worker killed)."""
    with all_organizations("beat re-enqueues every organization's lost print jobs"):
        return print_jobs_sweep()


@shared_task(ignore_result=True)
def delete_expired_print_files() -> int:
    """Beat: delete rendered PDFs past their expiry."""
    with all_organizations("beat deletes every organization's expired printouts"):
        return print_jobs_expire()
