"""The residents' side: portal accounts, their sign-in links, and the inquiry forms they fill in.

A resident is not a `User`: staff sign in with Django's auth, residents with a `ResidentAccount`
kept in their own session key (`portal.auth`), so neither session grants anything on the other
side. An account belongs to one organization's `Customer`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import TenantManager

ORG = "organizations.Organization"


class ResidentAccount(models.Model):
    class Notify(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    customer = models.OneToOneField(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="portal_account",
        verbose_name=_("customer"),
    )
    # The sign-in address, kept lower-case; unique per organization.
    email = models.EmailField(_("e-mail address"))
    # Empty: the resident signs in by e-mail link only.
    password = models.CharField(max_length=128, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    notify_by = models.CharField(
        _("notify me by"), max_length=8, choices=Notify.choices, default=Notify.EMAIL
    )
    is_active = models.BooleanField(_("active"), default=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_login_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("portal account")
        verbose_name_plural = _("portal accounts")
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("email"), name="residentaccount_org_email_unique"
            )
        ]

    def __str__(self) -> str:
        return self.email

    def set_password(self, raw: str | None) -> None:
        self.password = make_password(raw) if raw else ""

    def check_password(self, raw: str) -> bool:
        return bool(self.password) and check_password(raw, self.password)


class PortalToken(models.Model):
    """A single-use e-mailed link: sign in, accept an invitation, or finish self-registration.

    Only the SHA-256 of the token is stored; the token itself exists only in the e-mail."""

    class Purpose(models.TextChoices):
        LOGIN = "login", _("Sign in")
        INVITE = "invite", _("Invitation")
        REGISTER = "register", _("Registration")

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    # Empty for a registration: the account is made when the link is opened.
    account = models.ForeignKey(
        ResidentAccount,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tokens",
        verbose_name=_("portal account"),
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    # For a registration: the address and name the visitor gave.
    email = models.EmailField(_("e-mail address"), blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("portal sign-in link")
        verbose_name_plural = _("portal sign-in links")
        indexes = [models.Index(fields=["expires_at"], name="portaltoken_expires_idx")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.created_at:%Y-%m-%d %H:%M}"


class InquiryForm(models.Model):
    """One kind of request a resident can file ("Leaking tap", "Missed collection"...).

    `fields` maps each optional field name of `portal.inquiry_forms.FIELDS` to
    {"mode": "hidden" | "optional" | "required", "help": "..."}; a name not present is hidden.
    """

    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    name = models.CharField(_("name"), max_length=120)
    intro = models.TextField(_("introduction"), blank=True)
    category = models.ForeignKey(
        "cases.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case type"),
    )
    fields = models.JSONField(_("fields"), default=dict, blank=True)
    photo_required = models.BooleanField(_("a photo is required"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    objects = TenantManager()

    class Meta:
        verbose_name = _("inquiry form")
        verbose_name_plural = _("inquiry forms")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="inquiryform_org_name")
        ]

    def __str__(self) -> str:
        return self.name
