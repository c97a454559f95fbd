from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from organizations.links import TenantLink, TenantManyToManyField
from organizations.tenancy import TenantManager


class Customer(models.Model):
    """The person or company an inquiry or case is about: resident, home buyer, tenant, owner."""

    class Type(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company")

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular customer")
        TEMPORARY = "temporary", _("Temporary customer")
        PROSPECT = "prospect", _("Prospect")

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="customers",
        verbose_name=_("organization"),
    )
    customer_type = models.CharField(
        _("type"), max_length=16, choices=Type.choices, default=Type.PERSON
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REGULAR)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    org_number = models.CharField(_("organization number"), max_length=32, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Set when the person was erased (GDPR): personal fields are scrubbed, the cases stay.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        indexes = [
            models.Index(Lower("email"), "organization", name="customer_org_email_idx"),
            models.Index(fields=["organization", "name"], name="customer_org_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_company(self) -> bool:
        return self.customer_type == self.Type.COMPANY


class Supplier(models.Model):
    """An outside company that does the work: builder, plumber, hauler."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="suppliers",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    trade = models.CharField(_("trade"), max_length=100, blank=True)
    org_number = models.CharField(_("organization number"), max_length=32, blank=True)
    users = TenantManyToManyField(
        settings.AUTH_USER_MODEL,
        through="SupplierUser",
        related_name="suppliers",
        blank=True,
        verbose_name=_("users"),
        help_text=_("Members with the supplier role who work for this supplier."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="supplier_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class SupplierUser(TenantLink):
    """A supplier-role member working for a supplier (see organizations/links.py)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "customers_supplier_users"
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "user", "organization"], name="supplier_user_unique"
            )
        ]


class ContactRole(models.Model):
    """Links a customer to a property as owner, co-owner, resident or company contact."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        CO_OWNER = "co_owner", _("Co-owner")
        RESIDENT = "resident", _("Resident / tenant")
        COMPANY_CONTACT = "company_contact", _("Company contact")

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="contact_roles",
        verbose_name=_("customer"),
    )
    property = models.ForeignKey(
        "properties.Property",
        on_delete=models.CASCADE,
        related_name="contact_roles",
        verbose_name=_("property"),
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, default=Role.OWNER)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)
    objects = TenantManager()

    class Meta:
        verbose_name = _("contact role")
        verbose_name_plural = _("contact roles")
        ordering = ["role", "customer__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "customer", "property", "role"],
                name="contactrole_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="contactrole_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} – {self.get_role_display()}"
