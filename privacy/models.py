"""Per-organization retention rules and the log of every privacy action (GDPR)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import TenantManager

ORG = "organizations.Organization"

# The nightly purge's delay when an organization has not chosen one (the restore window).
DEFAULT_DELETED_INQUIRY_DAYS = 30


class RetentionPolicy(models.Model):
    """What the daily retention job does for one organization. Every rule is off (empty) until
    an administrator sets a number; deleted inquiries are then purged after 30 days as before."""

    organization = models.OneToOneField(
        ORG, on_delete=models.CASCADE, related_name="retention_policy"
    )
    anonymise_customers_after_months = models.PositiveSmallIntegerField(
        _("anonymise customers after (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_(
            "Customers whose cases were all closed more than this many months ago are anonymised:"
            " name, contact details, their messages and files are removed; the cases stay."
            " Customers with an open case, or with an inquiry or case from that period, are kept."
            " Empty: never."
        ),
    )
    raw_email_days = models.PositiveSmallIntegerField(
        _("delete received e-mails' original copies after (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_(
            "The original of every received e-mail is kept so it can be processed again. After"
            " this many days it is deleted; the message stays on its case or inquiry. Empty: kept."
        ),
    )
    deleted_inquiry_days = models.PositiveSmallIntegerField(
        _("purge deleted inquiries after (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_(
            "Deleted inquiries can be restored until they are purged for good, with their files."
            " Empty: after 30 days."
        ),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    objects = TenantManager()

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return str(self.organization_id)

    @property
    def deleted_inquiry_days_effective(self) -> int:
        return self.deleted_inquiry_days or DEFAULT_DELETED_INQUIRY_DAYS


class PrivacyLog(models.Model):
    """One privacy action: an export, an erasure, or what a retention run did.

    `subject` names what was acted on without repeating the erased personal data (a customer's
    id, never their name); `counts` says how much was exported or removed, per part."""

    class Action(models.TextChoices):
        EXPORT = "export", _("Export")
        ERASE = "erase", _("Erasure")
        RETENTION = "retention", _("Retention")

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    customer_id_ref = models.BigIntegerField(_("customer id"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    objects = TenantManager()

    class Meta:
        verbose_name = _("privacy log entry")
        verbose_name_plural = _("privacy log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="privacylog_org_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.subject}"
