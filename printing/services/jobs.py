"""Print jobs: a PDF rendered by a worker into a stored file that expires.

The row is the record of the work: it is written first, the task (carrying only its id) is
enqueued after commit, and a sweeper re-enqueues jobs still queued a few minutes later (their
task was lost: broker down or flushed). Running a job is idempotent: a job already done or
failed is left alone, and a running one is taken over only after its lease ran out.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from organizations.file_jobs import file_jobs_expire, file_jobs_sweep
from organizations.models import Organization, User
from organizations.scoping import check_same_org
from printing.formats import label_format
from printing.models import FILE_LIFETIME, PrintJob
from printing.selectors import containers_for_labels, org_label_format
from printing.services.case_pdf import AUDIENCES, STAFF, case_pdf_render
from printing.services.labels import labels_pdf_render

logger = logging.getLogger(__name__)

MAX_LABELS = 5000  # one run; more is refused with a message (split the selection)
SWEEP_GRACE = datetime.timedelta(minutes=2)
LEASE = datetime.timedelta(minutes=10)  # a running job older than this lost its worker
PROGRESS_EVERY = 1  # progress is written after each chunk of labels (see labels.py)


def _enqueue(organization_id: int, job_id: int) -> None:
    from printing.tasks import render_print_job  # the task module imports the services

    try:
        render_print_job.delay(organization_id, job_id)
    except Exception:  # broker down (or, run eagerly, the task failed): the sweeper retries
        logger.warning(
            "printing: could not enqueue job %s; the sweeper will", job_id, exc_info=True
        )


def labels_job_create(
    *,
    org: Organization,
    actor: User,
    container_ids: list[int],
    format_key: str | None = None,
    language: str = "",
) -> PrintJob:
    """A job printing labels for the containers of `org` among `container_ids`."""
    wanted = {int(pk) for pk in container_ids}
    containers = list(containers_for_labels(org, wanted).values_list("pk", flat=True))
    if len(containers) != len(wanted):
        raise ValidationError(_("That belongs to another organization."))
    if not containers:
        raise ValidationError(_("Choose at least one container to print labels for."))
    if len(containers) > MAX_LABELS:
        raise ValidationError(
            _("At most %(max)d labels can be printed at once; narrow the selection.")
            % {"max": MAX_LABELS}
        )
    fmt = label_format(format_key) if format_key else org_label_format(org)
    with transaction.atomic():
        job = PrintJob.objects.create(
            organization=org,
            kind=PrintJob.Kind.LABELS,
            requested_by=actor,
            parameters={"container_ids": containers, "format": fmt.key, "language": language},
            progress_total=len(containers),
        )
        transaction.on_commit(lambda: _enqueue(job.organization_id, job.pk))
    return job


def case_job_create(
    *,
    org: Organization,
    actor: User,
    case: Case,
    audience: str,
    include_notes: bool = False,
    language: str = "",
) -> PrintJob:
    check_same_org(org, case)
    if audience not in AUDIENCES:
        raise ValidationError(_("Choose who the printout is for."))
    with transaction.atomic():
        job = PrintJob.objects.create(
            organization=org,
            kind=PrintJob.Kind.CASE,
            requested_by=actor,
            parameters={
                "number": case.number,
                "audience": audience,
                "include_notes": bool(include_notes) and audience == STAFF,
                "language": language,
            },
            progress_total=1,
        )
        transaction.on_commit(lambda: _enqueue(job.organization_id, job.pk))
    return job


def _claim(job_id: int) -> PrintJob | None:
    """Mark the job running (under a row lock) unless it is finished or another worker holds
    a fresh lease on it."""
    now = timezone.now()
    with transaction.atomic():
        job = PrintJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (PrintJob.Status.DONE, PrintJob.Status.FAILED):
            return None
        leased = job.started_at is not None and job.started_at > now - LEASE
        if job.status == PrintJob.Status.RUNNING and leased:
            return None
        job.status = PrintJob.Status.RUNNING
        job.started_at = now
        job.progress_done = 0
        job.save(update_fields=["status", "started_at", "progress_done"])
    return job


def _report(job: PrintJob, done: int) -> None:
    PrintJob.objects.filter(pk=job.pk).update(progress_done=done)


def print_job_run(job_id: int) -> PrintJob | None:
    """Render job `job_id` into its file (the worker's side). Returns the job, or None when
    there was nothing to do."""
    job = _claim(job_id)
    if job is None:
        return None
    org = job.organization
    params = job.parameters
    language = params.get("language") or None
    try:
        if job.kind == PrintJob.Kind.LABELS:
            containers = list(containers_for_labels(org, params.get("container_ids", [])))
            if not containers:
                raise ValueError(_("The containers no longer exist."))
            PrintJob.objects.filter(pk=job.pk).update(progress_total=len(containers))
            content = labels_pdf_render(
                org,
                containers,
                label_format(params.get("format", "")),
                language=language,
                progress=lambda done: _report(job, done),
            )
            filename = f"labels-{job.pk}.pdf"
        else:
            rendered = case_pdf_render(
                org,
                int(params["number"]),
                audience=params.get("audience", "customer"),
                include_notes=params.get("include_notes", False),
                language=language,
            )
            content, filename = rendered.content, rendered.filename
    except Exception as exc:  # recorded on the job for the page to show
        logger.exception("printing: job %s failed", job.pk)
        message = str(exc) if isinstance(exc, ValueError) else _("The PDF could not be made.")
        PrintJob.objects.filter(pk=job.pk).update(
            status=PrintJob.Status.FAILED, error=message[:1000], finished_at=timezone.now()
        )
        return job
    job.file.save(f"{job.pk}-{timezone.now():%Y%m%d%H%M%S}.pdf", ContentFile(content), save=False)
    now = timezone.now()
    PrintJob.objects.filter(pk=job.pk).update(
        file=job.file.name,
        filename=filename,
        status=PrintJob.Status.DONE,
        progress_done=job.progress_total if job.kind == PrintJob.Kind.CASE else len(containers),
        finished_at=now,
        expires_at=now + FILE_LIFETIME,
    )
    job.refresh_from_db()
    return job


def print_jobs_sweep(*, now: datetime.datetime | None = None) -> int:
    """Re-enqueue jobs still queued after the grace period, or running past their lease."""
    return file_jobs_sweep(PrintJob, _enqueue, grace=SWEEP_GRACE, lease=LEASE, now=now)


def print_jobs_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of expired jobs (the rows stay a week as a record, then go)."""
    return file_jobs_expire(PrintJob, now=now)
