"""Received e-mail: the raw message as it arrived, and the IMAP mailboxes polled for it.

Imported by inquiries/models.py, so Django sees these models as the inquiries app's.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import TenantManager

ORG = "organizations.Organization"


class InboundEmail(models.Model):
    """One received e-mail, stored raw before anything is parsed.

    Unique per organization on its Message-ID (or a hash of the raw bytes when it has none),
    so the same e-mail arriving twice — a webhook retry, an IMAP re-poll, a file ingested
    again — is stored and processed once. The raw bytes live in the row itself, so storing
    the message is part of the transaction that received it.
    """

    class Source(models.TextChoices):
        WEBHOOK = "webhook", _("Inbound webhook")
        IMAP = "imap", _("IMAP mailbox")
        FILE = "file", _("File import")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, waiting to be processed")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Recorded, nothing created")
        FAILED = "failed", _("Could not be processed")

    class Outcome(models.TextChoices):
        NONE = "", _("Not yet processed")
        INQUIRY = "inquiry", _("New inquiry")
        CASE_MESSAGE = "case_message", _("Message on a case")
        AUTO_REPLY = "auto_reply", _("Automatic reply")
        MAILING_LIST = "mailing_list", _("Mailing list or bulk mail")
        LOOP = "loop", _("Our own mail coming back")
        BOUNCE = "bounce", _("Delivery failure report")
        EMPTY = "empty", _("No sender or no content")
        UNPARSEABLE = "unparseable", _("Could not be read")

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    # The Message-ID as received (angle brackets kept), or "sha256:<hex>" of the raw bytes.
    message_id = models.CharField(_("message id"), max_length=300)
    raw = models.BinaryField(_("raw message"))
    size = models.PositiveIntegerField(_("size"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default="", blank=True
    )
    error = models.TextField(_("error"), blank=True)
    # What parsing found, copied here for lists and the admin pages.
    from_address = models.CharField(_("from"), max_length=320, blank=True)
    from_name = models.CharField(_("sender name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    inquiry = models.ForeignKey(
        "inquiries.Inquiry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
        verbose_name=_("inquiry"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    # The outbox row (notifications.OutboundMessage) a bounce reports on.
    outbound_message_id = models.BigIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("received e-mail")
        verbose_name_plural = _("received e-mails")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "message_id"], name="inboundemail_unique_message_id"
            )
        ]
        indexes = [
            # The sweeper: e-mails stored but not yet processed.
            models.Index(
                fields=["received_at"],
                condition=models.Q(status="received"),
                name="inboundemail_pending_idx",
            ),
            # The admins' list of failed and ignored e-mails.
            models.Index(
                fields=["organization", "status", "-received_at"],
                name="inboundemail_org_status_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject or self.message_id


class ImapMailbox(models.Model):
    """A mailbox polled by beat. Mail is read, never deleted or moved; the UIDs already taken
    are remembered per UIDVALIDITY (ImapSeen)."""

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    host = models.CharField(_("server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    use_ssl = models.BooleanField(_("use SSL/TLS"), default=True)
    username = models.CharField(_("user name"), max_length=255)
    # Fernet token (keyed from SECRET_KEY); see inquiries/email/secrets.py.
    password_encrypted = models.TextField(editable=False)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    is_active = models.BooleanField(_("active"), default=True)
    uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    last_polled_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    objects = TenantManager()

    class Meta:
        verbose_name = _("IMAP mailbox")
        verbose_name_plural = _("IMAP mailboxes")
        ordering = ["host", "username"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "host", "username", "folder"],
                name="imapmailbox_unique_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.host}/{self.folder}"


class ImapSeen(models.Model):
    """One message taken from a mailbox: (UIDVALIDITY, UID) is never fetched twice."""

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    mailbox = models.ForeignKey(ImapMailbox, on_delete=models.CASCADE, related_name="seen")
    uidvalidity = models.BigIntegerField()
    uid = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "mailbox", "uidvalidity", "uid"],
                name="imapseen_unique_uid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mailbox_id}:{self.uidvalidity}:{self.uid}"
