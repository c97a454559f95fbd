"""Reports: saved case-list views and background exports."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import TenantManager

ORG = "organizations.Organization"
# How long a finished export can be downloaded; a beat task deletes the file afterwards.
FILE_LIFETIME = datetime.timedelta(hours=24)


def default_expiry() -> datetime.datetime:
    return timezone.now() + FILE_LIFETIME


def export_job_path(job: ExportJob, filename: str) -> str:
    return f"exports/{job.organization_id}/{filename}"


class SavedView(models.Model):
    """A named case-list filter and sort. Its owner sees it in the left menu, and so do the
    members of `team` when it is shared with one. `query` is the case list's query string,
    normalized (known keys only, no empty values, sorted; see services/saved_views.py)."""

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=80)
    team = models.ForeignKey(
        "organizations.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared with team"),
    )
    query = models.CharField(_("filter and sort"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "owner", "name"], name="savedview_unique_name"
            )
        ]
        indexes = [models.Index(fields=["organization", "team"], name="savedview_team_idx")]

    def __str__(self) -> str:
        return self.name


class ExportJob(models.Model):
    """A case-list export too large to stream in the request, written by a worker into a
    stored file that only its requester may download until `expires_at`. The row is the record
    of the work (the task carries only its id); language and time zone are the requester's, as
    they were when the job was made."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    query = models.CharField(_("filter and sort"), max_length=2000, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    file = models.FileField(_("file"), upload_to=export_job_path, max_length=300, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), default=default_expiry)
    objects = TenantManager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(status__in=["queued", "running"]),
                name="exportjob_pending_idx",
            ),
            models.Index(fields=["expires_at"], name="exportjob_expires_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))
