"""Staff forms for customers, suppliers and contact roles. They parse; the services validate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import ContactRole, Customer, Supplier
from customers.selectors import customer_label, customer_options, supplier_user_choices
from organizations.models import Organization
from organizations.scoping import for_org
from properties.formkit import DATE_WIDGET, ModelFieldsForm, limit_picker
from properties.models import Property
from properties.selectors import property_label, property_options


class CustomerForm(ModelFieldsForm):
    model = Customer
    model_fields = (
        "customer_type",
        "kind",
        "name",
        "email",
        "phone",
        "address",
        "postcode",
        "city",
        "org_number",
        "contact_person",
        "notes",
    )
    widgets = {"customer_type": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Enter the name.")
        for name in ("org_number", "contact_person"):
            self.fields[name].help_text = _("Companies only.")


class SupplierForm(ModelFieldsForm):
    model = Supplier
    model_fields = ("name", "trade", "email", "phone", "org_number", "is_active", "users")
    widgets = {"users": forms.CheckboxSelectMultiple}

    def __init__(self, *args, org: Organization, can_pick_users: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Enter the supplier's name.")
        if can_pick_users:
            self.fields["users"].queryset = supplier_user_choices(org)
        else:
            # Only administrators decide which supplier accounts see the supplier's work.
            del self.fields["users"]


class ContactRoleAddForm(ModelFieldsForm):
    """Links a customer to a property; the page it is opened from fixes one of the two."""

    model = ContactRole
    model_fields = ("customer", "property", "role", "start_date", "end_date")
    widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET}

    def __init__(self, *args, org: Organization, fixed: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = for_org(Customer, org)
        self.fields["customer"].label_from_instance = customer_label
        self.fields["property"].queryset = for_org(Property, org)
        self.fields["property"].label_from_instance = property_label
        self.fields[fixed].widget = forms.HiddenInput()
        if fixed == "customer":
            limit_picker(self, "property", property_options(org), label=property_label)
        else:
            limit_picker(self, "customer", customer_options(org), label=customer_label)
        self.picker = self["property" if fixed == "customer" else "customer"]


class ContactRoleEditForm(ModelFieldsForm):
    model = ContactRole
    model_fields = ("role", "start_date", "end_date")
    widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET}
