"""Service-level policies: how soon a case must get its first response and be resolved, in
business time (the organization's opening hours, holidays and closed days).

A policy applies to cases of one priority (or any), optionally only to one case category and/or
one customer. The most specific policy that matches a case wins: a customer's policy over a
category's, over one for the priority alone, and a policy naming the priority over one for any
priority (cases/services/service_levels.py `policy_for`). The case keeps the policy that
applied and its targets, so editing or deleting a policy later leaves the cases' due times as
they were until the case's priority, category or customer changes.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case, Category
from organizations.tenancy import TenantManager

ORG = "organizations.Organization"


class ServiceLevelPolicy(models.Model):
    organization = models.ForeignKey(
        ORG, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    name = models.CharField(_("name"), max_length=100)
    priority = models.CharField(
        _("priority"),
        max_length=16,
        choices=Case.Priority.choices,
        blank=True,
        help_text=_("Leave empty for cases of any priority."),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only category"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only customer"),
    )
    # Business minutes; None: no target of that kind.
    first_response_minutes = models.PositiveIntegerField(
        _("first response within (minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution within (minutes)"), null=True, blank=True
    )
    # None: the organization's share (Settings → Business hours).
    risk_percent = models.PositiveSmallIntegerField(
        _("at risk from (% of the target)"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("service-level policy")
        verbose_name_plural = _("service-level policies")
        ordering = ["name", "id"]
        constraints = [
            # One policy per combination (an empty category or customer counts as a value).
            models.UniqueConstraint(
                "organization",
                "priority",
                Coalesce("category", 0),
                Coalesce("customer", 0),
                name="servicelevel_unique_scope",
            ),
            models.UniqueConstraint(
                fields=["organization", "name"], name="servicelevel_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> int:
        """How narrowly the policy applies; the highest among the matching ones wins."""
        return (
            4 * (self.customer_id is not None)
            + 2 * (self.category_id is not None)
            + (self.priority != "")
        )

    def matches(self, case: Case) -> bool:
        return (
            (not self.priority or self.priority == case.priority)
            and (self.category_id is None or self.category_id == case.category_id)
            and (self.customer_id is None or self.customer_id == case.customer_id)
        )
