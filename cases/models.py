from __future__ import annotations

import builtins

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ORG = "organizations.Organization"


class Category(models.Model):
    """A per-organization case type: warranty claim, fault report, order, service, question..."""

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="categories", verbose_name=_("organization")
    )
    name = models.CharField(_("name"), max_length=100)
    key = models.SlugField(
        _("key"),
        max_length=40,
        blank=True,
        help_text=_("Stable name used by integrations, e.g. warranty_claim."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_bulk_default = models.BooleanField(
        _("used for bulk conversion"),
        default=False,
        help_text=_("Inquiries turned into cases in bulk get this category."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="category_unique_name"),
            models.UniqueConstraint(
                fields=["organization", "key"],
                condition=~models.Q(key=""),
                name="category_unique_key",
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(is_bulk_default=True),
                name="category_one_bulk_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="tags", verbose_name=_("organization")
    )
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="tag_unique_name_ci")
        ]

    def __str__(self) -> str:
        return self.name


class CaseCounter(models.Model):
    """The last case number handed out in an organization; rows are locked to number safely."""

    organization = models.OneToOneField(
        ORG, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.last_number}"


class Case(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        WAITING = "waiting", _("Waiting")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class Source(models.TextChoices):
        PORTAL = "portal", _("Portal")
        EMAIL = "email", _("E-mail")
        API = "api", _("API")
        WEB_FORM = "web_form", _("Web form")
        PHONE = "phone", _("Phone")
        MANUAL = "manual", _("Manual")

    class ContactMethod(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        PHONE = "phone", _("Phone")
        LETTER = "letter", _("Letter")

    OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING)
    PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.CRITICAL: 3}

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="cases", verbose_name=_("organization")
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("category"),
    )
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.MANUAL
    )
    contact_method = models.CharField(
        _("contact method"),
        max_length=16,
        choices=ContactMethod.choices,
        default=ContactMethod.EMAIL,
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    external_reference = models.CharField(_("reference"), max_length=100, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    teams = models.ManyToManyField(
        "organizations.Team", blank=True, related_name="cases", verbose_name=_("teams")
    )
    supplier = models.ForeignKey(
        "customers.Supplier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("supplier"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("customer"),
    )
    property = models.ForeignKey(
        "properties.Property",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("property"),
    )
    containers = models.ManyToManyField(
        "properties.Container", blank=True, related_name="cases", verbose_name=_("containers")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="cases", verbose_name=_("tags"))
    visible_to_customer = models.BooleanField(_("visible to customer"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_cases",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="case_unique_number")
        ]
        indexes = [
            models.Index(
                fields=["organization", "-created_at", "-id"], name="case_org_created_idx"
            ),
            models.Index(
                fields=["organization", "status", "-created_at"], name="case_org_status_idx"
            ),
            # Covering: the inbox reads "assigned to me" and "created by me" from the index alone.
            models.Index(
                fields=["organization", "assignee", "status"],
                include=["first_response_at", "created_at", "id"],
                name="case_org_assignee_idx",
            ),
            models.Index(
                fields=["organization", "created_by", "status"],
                include=["first_response_at", "created_at", "id"],
                name="case_org_creator_idx",
            ),
            models.Index(fields=["organization", "deadline"], name="case_org_deadline_idx"),
            models.Index(fields=["organization", "customer"], name="case_org_customer_idx"),
            models.Index(fields=["organization", "property"], name="case_org_property_idx"),
            # The inbox's "my teams' unassigned cases", read from the index alone
            # (cases/selectors/lists.py; PostgreSQL, covering columns ignored elsewhere).
            models.Index(
                fields=["organization", "id"],
                include=["status", "first_response_at", "created_at"],
                condition=models.Q(assignee__isnull=True),
                name="case_unassigned_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    # `property` is a field name on this model, hence builtins.property.
    @builtins.property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @builtins.property
    def is_overdue(self) -> bool:
        return bool(self.deadline and self.is_open and self.deadline < timezone.localdate())


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
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="mentioned_in_notes",
        verbose_name=_("mentioned"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:60]


class Task(models.Model):
    """A sub-task of a case given to a user or a supplier."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("case")
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

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["status", "due_date", "created_at"]
        indexes = [
            models.Index(
                fields=["organization", "assignee", "status"], name="task_org_assignee_idx"
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

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["-date", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(minutes__gt=0), name="timeentry_positive")
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min"


class NotificationRequest(models.Model):
    """A message someone asked to be sent about a case (on creation, as confirmation...).

    Recorded now so the outbound messaging issue can act on it; nothing here sends anything.
    """

    class Audience(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        SUPPLIER = "supplier", _("Supplier")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Reason(models.TextChoices):
        CASE_CREATED = "case_created", _("Case created")
        CONFIRMATION = "confirmation", _("Confirmation of receipt")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        QUEUED = "queued", _("Queued")
        SKIPPED = "skipped", _("Skipped")

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="notification_requests", verbose_name=_("case")
    )
    audience = models.CharField(_("to"), max_length=16, choices=Audience.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("notification request")
        verbose_name_plural = _("notification requests")
        indexes = [
            models.Index(
                fields=["status", "created_at"],
                condition=models.Q(status="pending"),
                name="notifreq_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.audience}/{self.channel}/{self.reason}"


class CaseEvent(models.Model):
    """One entry of a case's history. Append-only: written by the service that made the change."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Case created")
        STATUS = "status", _("Status changed")
        PRIORITY = "priority", _("Priority changed")
        CATEGORY = "category", _("Category changed")
        DEADLINE = "deadline", _("Deadline changed")
        ASSIGNEE = "assignee", _("Assignee changed")
        TEAMS = "teams", _("Teams changed")
        SUPPLIER = "supplier", _("Supplier changed")
        FIELD = "field", _("Field changed")
        CUSTOMER = "customer", _("Customer changed")
        PROPERTY = "property", _("Property changed")
        CONTAINERS = "containers", _("Containers changed")
        NOTE = "note", _("Note added")
        TASK_ADDED = "task_added", _("Task added")
        TASK_DONE = "task_done", _("Task completed")
        ATTACHMENT = "attachment", _("Attachment added")
        TIME = "time", _("Time logged")
        TAGS = "tags", _("Tags changed")
        CLOSED = "closed", _("Case closed")
        REOPENED = "reopened", _("Case reopened")
        NOTIFICATION = "notification", _("Message requested")

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    field = models.CharField(_("field"), max_length=40, blank=True)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    note = models.ForeignKey(
        Note, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    task = models.ForeignKey(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attachment = models.ForeignKey(
        Attachment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    time_entry = models.ForeignKey(
        TimeEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The outbound message (notifications app) this event caused, when there is one.
    outbound_message_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=False)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at", "id"], name="caseevent_case_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.case_id}"
