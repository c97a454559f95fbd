from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.links import TenantLink, TenantManyToManyField
from organizations.models_audit import EVENT_TAB_DEFAULTS, AuditEvent  # noqa: F401 (registers it)
from organizations.models_calendar import BusinessCalendar, ClosedDay  # noqa: F401 (registers)
from organizations.tenancy import TenantManager

# Slugs that would shadow a top-level URL; an organization may not take them.
RESERVED_SLUGS = frozenset(
    {
        "accounts",
        "admin",
        "api",
        "healthz",
        "static",
        "media",
        "portal",
        "form",
        "i18n",
        "webhooks",
        "hooks",
    }
)

LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def validate_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(value)s” is reserved; choose another."), params={"value": value}
        )


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: staff, supplier staff or resident. The e-mail is the login."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=LANGUAGE_CHOICES,
        help_text=_("Leave empty to use the organization's language."),
    )
    # Staff notifications always reach the bell; these choose whether an e-mail is sent too.
    notify_mentions_by_email = models.BooleanField(_("e-mail me when I am mentioned"), default=True)
    notify_assignments_by_email = models.BooleanField(
        _("e-mail me when a case is given to me"), default=True
    )
    notify_tasks_by_email = models.BooleanField(
        _("e-mail me when a task is given to me"), default=True
    )
    notify_service_levels_by_email = models.BooleanField(
        _("e-mail me when a case of mine is at risk of missing its service level"), default=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("can use the Django admin"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email.split("@")[0]


class Organization(models.Model):
    """A company that uses Saksflyt. Every tenant-owned row points here."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("URL name"),
        max_length=60,
        unique=True,
        validators=[
            RegexValidator(r"^[a-z0-9][a-z0-9-]*$", _("Use lower-case letters, digits and -.")),
            validate_not_reserved,
        ],
    )
    default_language = models.CharField(
        _("default language"), max_length=8, choices=LANGUAGE_CHOICES, default="nb"
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Oslo", validators=[validate_time_zone]
    )
    brand_color = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#1f5f8b",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1f5f8b."))],
    )
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    email_signature = models.TextField(
        _("e-mail signature"),
        blank=True,
        help_text=_("Added below every e-mail the organization sends to customers and suppliers."),
    )
    # {module: bool}: which modules show the Events tab on their pages. A module not named
    # here has its default (organizations.models_audit.EVENT_TAB_DEFAULTS); read it through
    # `events_enabled(module)`, which costs no query.
    event_tabs = models.JSONField(_("Events tabs"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def events_enabled(self, module: str) -> bool:
        """Whether the module's pages show their Events tab."""
        if module not in EVENT_TAB_DEFAULTS:
            return False
        return bool((self.event_tabs or {}).get(module, EVENT_TAB_DEFAULTS[module]))

    @property
    def logo_url(self) -> str:
        """Where the logo is served to anyone (see organizations/views/logo.py); "" without one.
        The file's generated name in the query string changes with the logo."""
        if not self.logo:
            return ""
        version = self.logo.name.rsplit("/", 1)[-1].split(".")[0]
        return f"{reverse('organization_logo', args=[self.slug])}?v={version}"


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        CASEWORKER = "caseworker", _("Caseworker")
        SUPPLIER = "supplier", _("Supplier")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organization"),
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CASEWORKER)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_user")
        ]
        indexes = [models.Index(fields=["user", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def is_staff_role(self) -> bool:
        return self.role in (self.Role.ADMIN, self.Role.CASEWORKER)


class Invitation(models.Model):
    """An offer to an existing user to join an organization with a role. The user becomes a
    member only by accepting it while signed in; until then the organization sees the e-mail
    address only (not the name the user gave elsewhere). New users get a membership at once
    and accept by choosing their password."""

    VALID_DAYS = 14

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organization"),
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("user")
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=Membership.Role.choices,
        default=Membership.Role.CASEWORKER,
    )
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    objects = TenantManager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-invited_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="invitation_unique_user")
        ]
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.email} @ {self.organization} ({self.get_role_display()})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class Team(models.Model):
    """A named group of members that cases can be given to."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="teams", verbose_name=_("organization")
    )
    name = models.CharField(_("name"), max_length=100)
    members = TenantManyToManyField(
        User, through="TeamMember", related_name="teams", blank=True, verbose_name=_("members")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(TenantLink):
    """A member of a team (the link carries the organization, see organizations/links.py)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "organizations_team_members"
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user", "organization"], name="team_member_unique"
            )
        ]


class ApiKey(models.Model):
    """A secret that lets an outside system use the API on behalf of one organization.

    The secret is `prefix + random` and is shown once, when created; only its SHA-256 is stored.
    The prefix stays visible so people can tell keys apart.
    """

    PREFIX_LENGTH = 8

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, editable=False)
    hashed_key = models.CharField(max_length=64, editable=False, db_index=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "prefix"], name="apikey_unique_prefix")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
