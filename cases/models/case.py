"""Cases and what classifies them: categories, tags and the per-organization counter."""

from __future__ import annotations

import builtins
import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.links import TenantLink, TenantManyToManyField
from organizations.tenancy import TenantManager

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
    objects = TenantManager()

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
    objects = TenantManager()

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
    objects = TenantManager()

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.last_number}"


# What the dashboard's indexes include besides their keys (see Case.Meta.indexes): the columns
# it groups by and those its property and team filters read.
DASHBOARD_GROUPS = ["source", "category", "assignee", "supplier", "property", "id"]
DASHBOARD_OPEN = ["new", "in_progress", "waiting"]  # Case.OPEN_STATUSES, for its partial index


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
    teams = TenantManyToManyField(
        "organizations.Team",
        through="CaseTeam",
        blank=True,
        related_name="cases",
        verbose_name=_("teams"),
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
    containers = TenantManyToManyField(
        "properties.Container",
        through="CaseContainer",
        blank=True,
        related_name="cases",
        verbose_name=_("containers"),
    )
    tags = TenantManyToManyField(
        Tag, through="CaseTag", blank=True, related_name="cases", verbose_name=_("tags")
    )
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
    # Service level (cases/services/service_levels.py): the policy that applied and its
    # targets as applied, the clocks' due and at-risk moments, the business time they stood
    # still, which thresholds were notified, and what lists and the escalation sweep read.
    service_level_policy = models.ForeignKey(
        "cases.ServiceLevelPolicy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service level"),
    )
    sla_first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    sla_resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    sla_risk_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_response_risk_at = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolution_risk_at = models.DateTimeField(null=True, blank=True)
    sla_paused_at = models.DateTimeField(null=True, blank=True)
    # Defaults in the database too: rows loaded with COPY (bench/generate.py) need none.
    sla_paused = models.DurationField(
        default=datetime.timedelta(0), db_default=datetime.timedelta(0)
    )
    sla_fired = models.PositiveSmallIntegerField(default=0, db_default=0)
    sla_next_due = models.DateTimeField(_("due"), null=True, blank=True)
    sla_next_risk = models.DateTimeField(null=True, blank=True)
    sla_next_escalation = models.DateTimeField(null=True, blank=True)
    # Set when this case was merged into another (cases/services/merge.py): everything on it
    # moved there, its page redirects there and replies to it land there.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_cases",
        verbose_name=_("merged into"),
    )
    objects = TenantManager()

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
            # Covering: the inbox reads "assigned to me" and "created by me" from the index alone
            # (cases/selectors/inbox.py; PostgreSQL, covering columns ignored elsewhere).
            models.Index(
                fields=["organization", "assignee", "status"],
                include=["first_response_at", "created_at", "id"],
                name="case_org_assignee_idx",
            ),
            models.Index(
                fields=["organization", "created_by", "status"],
                include=["first_response_at", "created_at", "id", "assignee"],
                name="case_org_creator_idx",
            ),
            models.Index(fields=["organization", "deadline"], name="case_org_deadline_idx"),
            models.Index(fields=["organization", "customer"], name="case_org_customer_idx"),
            models.Index(fields=["organization", "property"], name="case_org_property_idx"),
            # The inbox's "my teams' unassigned cases", read from the index alone.
            models.Index(
                # By status: the inbox's tabs (unanswered, resolved, closed) read only their
                # statuses' unassigned cases, not the organization's whole unassigned backlog.
                fields=["organization", "status", "id"],
                include=["first_response_at", "created_at", "created_by"],
                condition=models.Q(assignee__isnull=True),
                name="case_unassigned_idx",
            ),
            # "Due soonest" (keyset over sla_next_due, id) and the escalation sweep's candidates
            # across organizations (cases/services/service_level_sweep.py).
            models.Index(
                fields=["organization", "sla_next_due", "id"], name="case_org_sla_due_idx"
            ),
            models.Index(
                fields=["sla_next_escalation"],
                condition=models.Q(sla_next_escalation__isnull=False),
                name="case_sla_escalation_idx",
            ),
            # The dashboard's four scans (reports/dashboard/grouped.py), each index-only over
            # what it counts: open now, and created, resolved or first answered in a period,
            # with the grouping columns (and property and id for the filters) included.
            models.Index(
                fields=["organization"],
                include=[*DASHBOARD_GROUPS, "deadline", "sla_next_due"],
                condition=models.Q(status__in=DASHBOARD_OPEN),
                name="case_dash_open_idx",
            ),
            models.Index(
                fields=["organization", "created_at"],
                include=DASHBOARD_GROUPS,
                name="case_dash_created_idx",
            ),
            models.Index(
                fields=["organization", "resolved_at"],
                include=[*DASHBOARD_GROUPS, "created_at", "resolution_due"],
                condition=models.Q(resolved_at__isnull=False),
                name="case_dash_resolved_idx",
            ),
            models.Index(
                fields=["organization", "first_response_at"],
                include=[*DASHBOARD_GROUPS, "created_at", "first_response_due"],
                condition=models.Q(first_response_at__isnull=False),
                name="case_dash_answered_idx",
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


# The links of a case (see organizations/links.py): each carries the organization, which the
# database checks against both sides (PostgreSQL).


class CaseTeam(TenantLink):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("organizations.Team", on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "cases_case_teams"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "team", "organization"], name="case_team_unique"
            )
        ]


class CaseContainer(TenantLink):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    container = models.ForeignKey(
        "properties.Container", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        db_table = "cases_case_containers"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "container", "organization"], name="case_container_unique"
            )
        ]


class CaseTag(TenantLink):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "cases_case_tags"
        constraints = [
            models.UniqueConstraint(fields=["case", "tag", "organization"], name="case_tag_unique")
        ]
