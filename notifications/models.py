from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import TenantManager


class Notification(models.Model):
    """An in-app notification: the bell in the top bar lists the unread ones.

    It knows nothing about cases: the caller gives the text and the link.
    """

    class Kind(models.TextChoices):
        MENTION = "mention", _("Mentioned in a note")
        ASSIGNED = "assigned", _("Case assigned to you")
        TASK = "task", _("Task given to you")
        SERVICE_LEVEL = "service_level", _("Service level at risk or missed")
        TASK_DONE = "task_done", _("Task completed on your case")
        SUPPLIER = "supplier", _("Case handed to your company")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["organization", "recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.text


class OutboundMessage(models.Model):
    """One e-mail or SMS to send: the outbox row is written in the transaction that caused it,
    then a worker sends it (see notifications/outbox/). It knows recipients and bodies, not
    cases: callers keep the row's id (CaseEvent.outbound_message_id)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")

    class Kind(models.TextChoices):
        CASE_CREATED = "case_created", _("Case created (to the customer)")
        SUPPLIER_HANDOVER = "supplier_handover", _("Case handed to a supplier")
        REPLY = "reply", _("Reply from a caseworker")
        CONFIRMATION = "confirmation", _("Inquiry received (confirmation)")
        TASK_ASSIGNED = "task_assigned", _("Task assigned")
        MENTION = "mention", _("Mentioned in a note")
        CASE_RESOLVED = "case_resolved", _("Case resolved")
        ASSIGNED = "assigned", _("Case assigned")
        FORWARD = "forward", _("Forwarded to an external contact")
        INVITATION = "invitation", _("Invitation")
        PASSWORD_RESET = "password_reset", _("Password reset")
        SERVICE_LEVEL = "service_level", _("Service level at risk or missed")
        TASK_DONE = "task_done", _("Task completed")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    to = models.CharField(_("to"), max_length=254)
    to_name = models.CharField(_("recipient name"), max_length=200, blank=True)
    from_email = models.CharField(_("from"), max_length=320, blank=True)
    reply_to = models.CharField(_("reply to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    # Extra e-mail headers (Auto-Submitted, ...), and files: [{"name", "path", "content_type"}]
    # where path is a name in the default storage.
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # Our own RFC 5322 Message-ID (e-mail), kept for threading replies; and what it answers.
    message_id = models.CharField(_("message id"), max_length=255, blank=True)
    in_reply_to = models.CharField(_("in reply to"), max_length=998, blank=True)
    references = models.TextField(_("references"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    provider_message_id = models.CharField(_("provider message id"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # When a queued row may next be tried (backoff), and until when a sending row is leased to
    # the worker that claimed it; the sweeper takes rows whose time has passed.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    lease_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    objects = TenantManager()

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["queued", "sending"]),
                name="outbound_pending_idx",
            ),
            models.Index(
                fields=["message_id"],
                condition=~models.Q(message_id=""),
                name="outbound_message_id_idx",
            ),
            models.Index(
                fields=["channel", "provider_message_id"],
                condition=~models.Q(provider_message_id=""),
                name="outbound_provider_id_idx",
            ),
            models.Index(fields=["organization", "-created_at"], name="outbound_org_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.to}: {self.subject or self.body_text[:40]}"

    @property
    def is_final(self) -> bool:
        return self.status in {self.Status.DELIVERED, self.Status.FAILED, self.Status.BOUNCED}


class MessageTemplate(models.Model):
    """An organization's own wording of one kind of message in one language. Without a row the
    built-in default (notifications/messages.py) is used."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )
    kind = models.CharField(_("message"), max_length=20, choices=OutboundMessage.Kind.choices)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(
        _("HTML"), blank=True, help_text=_("Leave empty to make it from the text.")
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "language"], name="messagetemplate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"


class SavedReply(models.Model):
    """A canned response caseworkers insert into the reply composer."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "title"], name="savedreply_unique")
        ]

    def __str__(self) -> str:
        return self.title


class ReceivingAddress(models.Model):
    """An e-mail address (or alias) whose mail belongs to an organization's e-mail channel. The
    primary one is also the Reply-To of the organization's outgoing e-mail, so answers return."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )
    address = models.EmailField(_("address"))
    is_primary = models.BooleanField(_("reply address of outgoing e-mail"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("receiving address")
        verbose_name_plural = _("receiving addresses")
        ordering = ["address"]
        constraints = [
            # An address belongs to one organization only: it decides where mail goes.
            models.UniqueConstraint(Lower("address"), name="receivingaddress_unique"),
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(is_primary=True),
                name="receivingaddress_one_primary",
            ),
        ]

    def __str__(self) -> str:
        return self.address
