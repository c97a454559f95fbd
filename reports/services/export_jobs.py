"""Case-list exports: streamed in the request when small, by a worker into a stored file when large.

Above BACKGROUND_ABOVE rows the request only writes an ExportJob row (the filter, format, and the
user's language and time zone) and a worker writes the file, reporting progress, into Django's
default storage (S3 in production). The file is downloaded through an organization-checked view
by the user who asked, for FILE_LIFETIME, after which a beat task deletes it. As with print jobs
(printing/services/jobs.py): the task is enqueued after commit and carries only ids, a sweeper
re-enqueues jobs whose task was lost, and running a job twice does no harm.
"""

from __future__ import annotations

import datetime
import logging
import tempfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from organizations.audit import audit_record
from organizations.file_jobs import file_jobs_expire, file_jobs_sweep
from organizations.models import Membership, Organization, User
from organizations.scoping import STAFF_ROLES
from organizations.tabular import FORMATS, write_table
from reports.models import FILE_LIFETIME, ExportJob
from reports.services.case_export import (
    EXPORT_WIDTHS,
    case_list_query_or_none,
    check_query_objects,
    export_filename,
    export_header,
    export_rows,
    normalized_query,
    user_locale,
)

logger = logging.getLogger(__name__)

# More rows than this go to a worker (a sync web worker would be held for seconds otherwise);
# up to it the download streams at once. A setting so the benchmark can stream 100,000 rows.
BACKGROUND_ABOVE = 5000
SWEEP_GRACE = datetime.timedelta(minutes=2)
LEASE = datetime.timedelta(minutes=15)  # a running job older than this lost its worker


def background_threshold() -> int:
    return getattr(settings, "EXPORT_BACKGROUND_ABOVE", BACKGROUND_ABOVE)


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValidationError(_("Choose CSV or XLSX."))


def case_export_record(*, org: Organization, actor: User, fmt: str, rows: int, query: str) -> None:
    """The audit trail's record that `actor` took the case list out of Saksflyt."""
    audit_record(
        org=org,
        actor=actor,
        module="cases",
        obj=None,
        action="exported",
        changes={"format": fmt, "rows": rows, "filter": query},
        label=_("Case list (%(rows)d rows)") % {"rows": rows},
    )


def is_staff_member(org: Organization, user: User) -> bool:
    return Membership.objects.filter(
        organization=org, user=user, is_active=True, role__in=STAFF_ROLES
    ).exists()


def _enqueue(organization_id: int, job_id: int) -> None:
    from reports.tasks import run_export_job  # the task module imports the services

    try:
        run_export_job.delay(organization_id, job_id)
    except Exception:  # broker down (or, run eagerly, the task failed): the sweeper retries
        logger.warning("exports: could not enqueue job %s; the sweeper will", job_id, exc_info=True)


def export_job_create(
    *,
    org: Organization,
    actor: User,
    fmt: str,
    params: QueryDict,
    language: str = "",
    time_zone: str = "",
) -> ExportJob:
    """A background export of the case list filtered by `params`, for `actor`; language and
    time zone default to the active ones (the user's, in a request)."""
    check_format(fmt)
    if not is_staff_member(org, actor):
        raise ValidationError(_("That belongs to another organization."))
    check_query_objects(org, params)
    found = case_list_query_or_none(org, params)
    if found is None:
        raise ValidationError(_("That belongs to another organization."))
    rows = found.queryset.count()  # the first progress total; the worker counts again
    query = normalized_query(params)
    with transaction.atomic():
        job = ExportJob.objects.create(
            organization=org,
            requested_by=actor,
            format=fmt,
            query=query,
            language=language or translation.get_language() or "",
            time_zone=time_zone or timezone.get_current_timezone_name(),
            progress_total=rows,
        )
        case_export_record(org=org, actor=actor, fmt=fmt, rows=rows, query=query)
        transaction.on_commit(lambda: _enqueue(job.organization_id, job.pk))
    return job


def _claim(job_id: int) -> ExportJob | None:
    """Mark the job running (under a row lock) unless it is finished or another worker holds
    a fresh lease on it."""
    now = timezone.now()
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            return None
        leased = job.started_at is not None and job.started_at > now - LEASE
        if job.status == ExportJob.Status.RUNNING and leased:
            return None
        job.status = ExportJob.Status.RUNNING
        job.started_at = now
        job.progress_done = 0
        job.save(update_fields=["status", "started_at", "progress_done"])
    return job


def _fail(job: ExportJob, message: str) -> ExportJob:
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.FAILED, error=message[:1000], finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def export_job_run(job_id: int) -> ExportJob | None:
    """Write job `job_id`'s file (the worker's side, inside the job's organization scope).
    Returns the job, or None when there was nothing to do."""
    job = _claim(job_id)
    if job is None:
        return None
    org = job.organization
    with user_locale(job.language, job.time_zone):
        query = case_list_query_or_none(org, QueryDict(job.query))
        if query is None:
            return _fail(job, _("The customer or property this list was filtered by is gone."))
        try:
            total = query.queryset.count()
            ExportJob.objects.filter(pk=job.pk).update(progress_total=total)

            def progress(done: int) -> None:
                ExportJob.objects.filter(pk=job.pk).update(progress_done=done)

            with tempfile.TemporaryFile() as spool:
                written = write_table(
                    job.format,
                    spool,
                    export_header(),
                    export_rows(query),
                    title=_("Cases"),
                    widths=EXPORT_WIDTHS,
                    progress=progress,
                )
                spool.seek(0)
                filename = f"{export_filename(org)}.{job.format}"
                stored = f"{job.pk}-{timezone.now():%Y%m%d%H%M%S}.{job.format}"
                job.file.save(stored, File(spool, name=stored), save=False)
        except Exception:  # recorded on the job for the page to show
            logger.exception("exports: job %s failed", job.pk)
            return _fail(job, _("The export could not be made."))
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        file=job.file.name,
        filename=filename,
        status=ExportJob.Status.DONE,
        progress_done=written,
        progress_total=written,
        finished_at=now,
        expires_at=now + FILE_LIFETIME,
    )
    job.refresh_from_db()
    return job


def export_jobs_sweep(*, now: datetime.datetime | None = None) -> int:
    """Re-enqueue jobs still queued after the grace period, or running past their lease."""
    return file_jobs_sweep(ExportJob, _enqueue, grace=SWEEP_GRACE, lease=LEASE, now=now)


def export_jobs_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of expired jobs (the rows stay a week as a record, then go)."""
    return file_jobs_expire(ExportJob, now=now)
