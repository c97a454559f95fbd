from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from customers.models import Customer
from organizations.links import TenantLink, TenantManyToManyField
from organizations.tenancy import TenantManager

ORG = "organizations.Organization"


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("E-mail")
    API = "api", _("API")
    WEB_FORM = "web_form", _("Web form")
    PHONE = "phone", _("Phone / manual")


class Inquiry(models.Model):
    """A message from outside that has not yet become a case."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONVERTED = "converted", _("Converted to case")
        # Handled by registering a deviation only (a converted inquiry may have one as well).
        DEVIATION = "deviation", _("Registered as deviation")
        DELETED = "deleted", _("Deleted")

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="inquiries", verbose_name=_("organization")
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    sender_name = models.CharField(_("name"), max_length=200, blank=True)
    sender_email = models.EmailField(_("e-mail address"), blank=True)
    sender_phone = models.CharField(_("phone"), max_length=32, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    property = models.ForeignKey(
        "properties.Property",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("property"),
    )
    # Known at once when a signed-in resident files it in the portal; otherwise found (or made)
    # by the intake rule's customer handling at conversion.
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("customer"),
    )
    # The property as the sender gave it, kept when it could not be matched to a Property.
    property_text = models.CharField(_("property as given"), max_length=300, blank=True)
    location = models.CharField(_("location in the building"), max_length=200, blank=True)
    category_hint = models.CharField(_("category as given"), max_length=100, blank=True)
    external_reference = models.CharField(_("reference"), max_length=100, blank=True)
    raw_payload = models.JSONField(_("payload as received"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiry",
        verbose_name=_("case"),
    )
    deviation = models.OneToOneField(
        "cases.Deviation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiry",
        verbose_name=_("deviation"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    deleted_reason = models.CharField(_("reason for deletion"), max_length=300, blank=True)
    # Deleted inquiries can be restored until the nightly purge removes them (after 30 days).
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    # The staff member who typed the inquiry in (phone calls); empty for outside channels.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    objects = TenantManager()

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The tray count: one index-only count of unprocessed inquiries per organization.
            models.Index(
                fields=["organization"],
                condition=models.Q(status="new"),
                name="inquiry_unprocessed_idx",
            ),
            models.Index(
                fields=["organization", "status", "-created_at"], name="inquiry_org_status_idx"
            ),
            # The nightly purge of inquiries deleted more than 30 days ago.
            models.Index(
                fields=["deleted_at"],
                condition=models.Q(status="deleted"),
                name="inquiry_deleted_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject or self.message[:60] or str(self.pk)


def inquiry_attachment_path(instance: InquiryAttachment, filename: str) -> str:
    return f"inquiries/{instance.organization_id}/{instance.stored_name}"


class InquiryAttachment(models.Model):
    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    inquiry = models.ForeignKey(
        Inquiry, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("inquiry")
    )
    file = models.FileField(_("file"), upload_to=inquiry_attachment_path, max_length=300)
    stored_name = models.CharField(max_length=80, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    objects = TenantManager()

    class Meta:
        verbose_name = _("inquiry attachment")
        verbose_name_plural = _("inquiry attachments")

    def __str__(self) -> str:
        return self.original_name


class IntakeRule(models.Model):
    """What happens to inquiries arriving on one channel group (seed 002's settings)."""

    class ChannelGroup(models.TextChoices):
        EXTERNAL = "external", _("External (API and web form)")
        PORTAL = "portal", _("Customer portal")
        EMAIL = "email", _("E-mail")

    class CustomerHandling(models.TextChoices):
        MATCH_EMAIL = "match_email", _("Match existing customer by e-mail, else create")
        ALWAYS_NEW = "always_new", _("Always create a new customer")

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="intake_rules", verbose_name=_("organization")
    )
    channel_group = models.CharField(_("channel"), max_length=16, choices=ChannelGroup.choices)
    customer_handling = models.CharField(
        _("customer handling"),
        max_length=16,
        choices=CustomerHandling.choices,
        default=CustomerHandling.MATCH_EMAIL,
    )
    new_customer_kind = models.CharField(
        _("create customers as"),
        max_length=16,
        choices=Customer.Kind.choices,
        default=Customer.Kind.REGULAR,
    )
    assignees = TenantManyToManyField(
        settings.AUTH_USER_MODEL,
        through="IntakeRuleAssignee",
        blank=True,
        related_name="+",
        verbose_name=_("assign to users"),
    )
    # Round-robin position among `assignees` (ordered by user id).
    next_assignee_index = models.PositiveIntegerField(default=0, editable=False)
    teams = TenantManyToManyField(
        "organizations.Team",
        through="IntakeRuleTeam",
        blank=True,
        related_name="+",
        verbose_name=_("assign to teams"),
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("deadline after (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
    )
    category = models.ForeignKey(
        "cases.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case type"),
    )
    contact_method = models.CharField(
        _("contact method"),
        max_length=16,
        choices=Case.ContactMethod.choices,
        default=Case.ContactMethod.EMAIL,
    )
    priority = models.CharField(
        _("priority"), max_length=16, choices=Case.Priority.choices, default=Case.Priority.NORMAL
    )
    send_confirmation = models.BooleanField(
        _("send e-mail confirmation to the customer"), default=False
    )
    visible_to_customer_default = models.BooleanField(
        _("show the case to the customer in the portal by default"), default=True
    )
    # Portal rule only: whether visitors may create their own portal account.
    allow_self_registration = models.BooleanField(
        _("residents may register themselves in the portal"), default=False
    )
    create_case_immediately = models.BooleanField(
        _("create cases at once (otherwise inquiries wait in the tray)"), default=False
    )
    objects = TenantManager()

    class Meta:
        verbose_name = _("intake rule")
        verbose_name_plural = _("intake rules")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "channel_group"], name="intakerule_unique_channel"
            )
        ]

    def __str__(self) -> str:
        return self.get_channel_group_display()


# An intake rule's links (see organizations/links.py). The columns keep the names Django gave
# them when these were plain many-to-many tables.


class IntakeRuleAssignee(TenantLink):
    intakerule = models.ForeignKey(IntakeRule, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "inquiries_intakerule_assignees"
        constraints = [
            models.UniqueConstraint(
                fields=["intakerule", "user", "organization"], name="intake_rule_assignee_unique"
            )
        ]


class IntakeRuleTeam(TenantLink):
    intakerule = models.ForeignKey(IntakeRule, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("organizations.Team", on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "inquiries_intakerule_teams"
        constraints = [
            models.UniqueConstraint(
                fields=["intakerule", "team", "organization"], name="intake_rule_team_unique"
            )
        ]


class ApiIdempotencyKey(models.Model):
    """The answer given to an API request sent with an `Idempotency-Key` header.

    A retry with the same key and the same body gets this stored answer instead of creating a
    second inquiry; the unique constraint makes concurrent duplicates safe. Kept for 24 hours.
    """

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    # SHA-256 of the method, path and canonical body: the same key with another body is refused.
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    objects = TenantManager()

    class Meta:
        verbose_name = _("API idempotency key")
        verbose_name_plural = _("API idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key"], name="apiidempotencykey_unique_key"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="apiidempotencykey_created_idx")]

    def __str__(self) -> str:
        return self.key


# Received e-mail and IMAP mailboxes (kept in their own module; re-exported here for Django).
from inquiries.models_email import ImapMailbox, ImapSeen, InboundEmail  # noqa: E402

__all__ = [
    "ApiIdempotencyKey",
    "Channel",
    "ImapMailbox",
    "ImapSeen",
    "InboundEmail",
    "Inquiry",
    "InquiryAttachment",
    "IntakeRule",
]
