"""Printing: each organization's label format, and print jobs rendered by the workers."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import TenantManager
from printing.formats import DEFAULT_FORMAT, FORMAT_CHOICES

ORG = "organizations.Organization"
# How long a rendered file can be downloaded; a beat task deletes it afterwards.
FILE_LIFETIME = datetime.timedelta(hours=24)


def default_expiry() -> datetime.datetime:
    return timezone.now() + FILE_LIFETIME


def print_job_path(job: PrintJob, filename: str) -> str:
    return f"print/{job.organization_id}/{filename}"


class PrintSettings(models.Model):
    """An organization's printing choices (one row per organization, made on first save)."""

    organization = models.OneToOneField(
        ORG,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="print_settings",
        verbose_name=_("organization"),
    )
    label_format = models.CharField(
        _("label format"), max_length=32, choices=FORMAT_CHOICES, default=DEFAULT_FORMAT
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("print settings")
        verbose_name_plural = _("print settings")

    def __str__(self) -> str:
        return self.label_format


class PrintJob(models.Model):
    """A PDF to render: a case or a run of container labels. The row is the record of the work
    (the task only carries its id); the finished file lives until `expires_at`."""

    class Kind(models.TextChoices):
        CASE = "case", _("Case")
        LABELS = "labels", _("Container labels")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    file = models.FileField(_("file"), upload_to=print_job_path, max_length=300, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), default=default_expiry)
    objects = TenantManager()

    class Meta:
        verbose_name = _("print job")
        verbose_name_plural = _("print jobs")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(status__in=["queued", "running"]),
                name="printjob_pending_idx",
            ),
            models.Index(fields=["expires_at"], name="printjob_expires_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

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
