"""Deviations (avvik): the HSE register of damage, hazards and broken routines.

A deviation is numbered per organization like a case, may come from a case or an inquiry (the
inquiry holds the link, `Inquiry.deviation`, since inquiries sit above cases), carries photos
and files of its own, and can have tasks (`Task.deviation`). Its history is the audit trail
(module "deviations"), written by the services in `cases/services/deviations.py`.
"""

from __future__ import annotations

import builtins

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from organizations.tenancy import TenantManager

ORG = "organizations.Organization"


class DeviationCounter(models.Model):
    """The last deviation number handed out in an organization; locked to number safely."""

    organization = models.OneToOneField(
        ORG, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_number = models.PositiveIntegerField(default=0)
    objects = TenantManager()

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.last_number}"


class Deviation(models.Model):
    """A non-conformance: what happened or could happen, where, how bad, who fixes it."""

    class Type(models.TextChoices):
        DAMAGE = "damage", _("Damage")
        HAZARD = "hazard", _("Hazard")
        BROKEN_ROUTINE = "broken_routine", _("Broken routine")
        ENVIRONMENT = "environment", _("Environment")
        INJURY = "injury", _("Personal injury")
        OTHER = "other", _("Other")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_TREATMENT = "in_treatment", _("In treatment")
        CLOSED = "closed", _("Closed")

    OPEN_STATUSES = (Status.OPEN, Status.IN_TREATMENT)

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="deviations", verbose_name=_("organization")
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    type = models.CharField(_("type"), max_length=16, choices=Type.choices, default=Type.OTHER)
    severity = models.CharField(
        _("severity"), max_length=16, choices=Severity.choices, default=Severity.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    property = models.ForeignKey(
        "properties.Property",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deviations",
        verbose_name=_("property"),
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_deviations",
        verbose_name=_("responsible"),
    )
    corrective_action = models.TextField(_("corrective action"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deviations",
        verbose_name=_("case"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("deviation")
        verbose_name_plural = _("deviations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="deviation_unique_number"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(corrective_action=""),
                name="deviation_closed_has_action",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "-created_at", "-id"], name="deviation_org_created_idx"
            ),
            models.Index(
                fields=["organization", "status", "due_date"], name="deviation_org_status_idx"
            ),
            models.Index(fields=["organization", "case"], name="deviation_org_case_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    # `property` is a field name on this model, hence builtins.property.
    @builtins.property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @builtins.property
    def is_overdue(self) -> bool:
        return bool(self.due_date and self.is_open and self.due_date < timezone.localdate())


def deviation_file_path(instance: DeviationFile, filename: str) -> str:
    # Stored under a generated name; the original name lives in the row, never on disk.
    return f"deviations/{instance.organization_id}/{instance.stored_name}"


class DeviationFile(models.Model):
    """A photo or document on a deviation (or on one of its tasks). Checked like case
    attachments and served only through an org-checked view."""

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    deviation = models.ForeignKey(
        Deviation, on_delete=models.CASCADE, related_name="files", verbose_name=_("deviation")
    )
    task = models.ForeignKey(
        "cases.Task",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deviation_files",
        verbose_name=_("task"),
    )
    file = models.FileField(_("file"), upload_to=deviation_file_path, max_length=300)
    thumbnail = models.FileField(
        _("thumbnail"), upload_to="thumbnails/", blank=True, max_length=300
    )
    stored_name = models.CharField(max_length=80, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    objects = TenantManager()

    class Meta:
        verbose_name = _("deviation file")
        verbose_name_plural = _("deviation files")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organization", "deviation"], name="devfile_org_dev_idx")]

    def __str__(self) -> str:
        return self.original_name

    @builtins.property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
