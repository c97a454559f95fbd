"""Work on a case: internal notes, tasks, attachments and time entries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from organizations.links import TenantLink, TenantManyToManyField
from organizations.tenancy import TenantManager

ORG = "organizations.Organization"


class Note(models.Model):
    """An internal comment on a case. Never visible to customers."""

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="notes", verbose_name=_("case")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("note"))
    mentions = TenantManyToManyField(
        settings.AUTH_USER_MODEL,
        through="NoteMention",
        blank=True,
        related_name="mentioned_in_notes",
        verbose_name=_("mentioned"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    objects = TenantManager()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["created_at"]
        indexes = [
            # The inbox's "mentioned" part goes from a mention to the note's case through this
            # index alone (an index-only scan) instead of reading the whole note table; the
            # organization is included because row-level security checks it on every row read.
            models.Index(fields=["id"], include=["case", "organization"], name="note_id_case_idx"),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class NoteMention(TenantLink):
    """A member @mentioned in a note (see organizations/links.py)."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "cases_note_mentions"
        constraints = [
            models.UniqueConstraint(
                fields=["note", "user", "organization"], name="note_mention_unique"
            )
        ]


class Task(models.Model):
    """A sub-task of a case or of a deviation (exactly one of them), given to a user or a
    supplier."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("case"),
    )
    deviation = models.ForeignKey(
        "cases.Deviation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("deviation"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("assignee"),
    )
    supplier = models.ForeignKey(
        "customers.Supplier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("supplier"),
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    completion_note = models.TextField(_("completion note"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    objects = TenantManager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["status", "due_date", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(case__isnull=False, deviation__isnull=True)
                    | models.Q(case__isnull=True, deviation__isnull=False)
                ),
                name="task_case_xor_deviation",
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "deviation"],
                condition=models.Q(deviation__isnull=False),
                name="task_org_deviation_idx",
            ),
            # Covering: the inbox's "open task for me" part reads it alone (PostgreSQL).
            models.Index(
                fields=["organization", "assignee", "status"],
                include=["case"],
                name="task_org_assignee_idx",
            ),
            models.Index(
                fields=["organization", "supplier", "status"], name="task_org_supplier_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE


def attachment_path(instance: Attachment, filename: str) -> str:
    # Stored under a generated name; the original name lives in the row, never on disk.
    return f"attachments/{instance.organization_id}/{instance.stored_name}"


class Attachment(models.Model):
    """An uploaded file on a case, a note or a task. Served only through an org-checked view."""

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("case")
    )
    note = models.ForeignKey(
        Note,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("note"),
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("task"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
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
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class TimeEntry(models.Model):
    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="time_entries", verbose_name=_("case")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    minutes = models.PositiveIntegerField(_("minutes"))
    date = models.DateField(_("date"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    objects = TenantManager()

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["-date", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(minutes__gt=0), name="timeentry_positive")
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min"
