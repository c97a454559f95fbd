from __future__ import annotations

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import TenantManager


class Property(models.Model):
    """A building, address or dwelling. Parents make estate/project > building > unit."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="properties",
        verbose_name=_("organization"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    property_number = models.CharField(_("property number"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    property_type = models.CharField(_("property type"), max_length=100, blank=True)
    area = models.CharField(_("area"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("property")
        verbose_name_plural = _("properties")
        ordering = ["address"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "property_number"],
                condition=~models.Q(property_number=""),
                name="property_unique_number",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "address"], name="property_org_addr_idx"),
            # Intake matches inquiries to properties case-insensitively (iexact → UPPER()).
            models.Index("organization", Upper("address"), name="property_org_addr_ci_idx"),
            models.Index("organization", Upper("property_number"), name="property_org_num_ci_idx"),
        ]

    def __str__(self) -> str:
        return self.name or self.address

    @property
    def full_address(self) -> str:
        place = " ".join(part for part in (self.postcode, self.city) if part)
        return ", ".join(part for part in (self.address, place) if part)


class Container(models.Model):
    """A waste bin at a property."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="containers",
        verbose_name=_("organization"),
    )
    property = models.ForeignKey(
        Property, on_delete=models.CASCADE, related_name="containers", verbose_name=_("property")
    )
    container_id = models.CharField(_("container ID"), max_length=64)
    fraction = models.CharField(_("waste fraction"), max_length=100)
    container_type = models.CharField(_("container type"), max_length=100, blank=True)
    size_litres = models.PositiveIntegerField(_("size (litres)"), null=True, blank=True)
    placement_address = models.CharField(_("placement"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("container")
        verbose_name_plural = _("containers")
        ordering = ["container_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "container_id"], name="container_unique_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.container_id} ({self.fraction})"


class Agreement(models.Model):
    """A service agreement for a property: period and price."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="agreements",
        verbose_name=_("organization"),
    )
    property = models.ForeignKey(
        Property, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("property")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("customer"),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), null=True, blank=True)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__isnull=True)
                | models.Q(period_end__gte=models.F("period_start")),
                name="agreement_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.property} {self.period_start}–{self.period_end or ''}"
