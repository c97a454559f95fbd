"""A case's history and the messages someone asked to be sent about it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from cases.models.work import Attachment, Note, Task, TimeEntry
from organizations.tenancy import TenantManager

ORG = "organizations.Organization"


class NotificationRequest(models.Model):
    """A notice someone asked for when the case was opened (ticked on the form, or the intake
    rule's confirmation), and what became of it: queued (an outbox row exists; the case's
    MESSAGE_OUT event names it and shows its delivery) or skipped (no usable address; a
    NOTIFICATION event on the case says why). Written by cases/services/messages.py."""

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
    objects = TenantManager()

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
        # A message that left for the outside (reply, forward, SMS, automatic notice):
        # outbound_message_id names the outbox row, data holds channel/to/subject/text/purpose.
        MESSAGE_OUT = "message_out", _("Message sent")
        # A message from the outside on this case (a customer's e-mail): inbound_email_id names
        # the stored e-mail (inquiries), data holds from/from_name/subject/text/html.
        MESSAGE_IN = "message_in", _("Message received")
        # Merging (cases/services/merge.py), written on both cases: data names the other one.
        MERGED = "merged", _("Cases merged")

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
    # The received e-mail (inquiries.InboundEmail) this event shows, when there is one.
    inbound_email_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=False)
    objects = TenantManager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["case", "created_at", "id"], name="caseevent_case_idx"),
            # Threading: which case does a reply to our message (by its outbox row) belong to.
            models.Index(
                fields=["outbound_message_id"],
                condition=models.Q(outbound_message_id__isnull=False),
                name="caseevent_outbound_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.case_id}"
