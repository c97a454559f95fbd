"""Staff forms for properties, containers and agreements. They parse; the services validate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from customers.selectors import customer_label, customer_options
from organizations.models import Organization
from organizations.scoping import for_org
from properties.formkit import DATE_WIDGET, ModelFieldsForm, limit_picker
from properties.models import Agreement, Container, Property
from properties.selectors import property_label, property_options


def _property_picker(form: forms.Form, org: Organization, name: str = "property") -> None:
    field = form.fields[name]
    field.queryset = for_org(Property, org)
    field.label_from_instance = property_label
    limit_picker(form, name, property_options(org), label=property_label)


class PropertyForm(ModelFieldsForm):
    model = Property
    model_fields = (
        "name",
        "property_number",
        "property_type",
        "address",
        "postcode",
        "city",
        "area",
        "parent",
    )

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].help_text = _(
            "The estate, project or building this is part of. Search to find it."
        )
        self.fields["property_type"].help_text = _("For example Rækkehus, lägenhet or rekkehus.")
        _property_picker(self, org, "parent")


class ContainerForm(ModelFieldsForm):
    model = Container
    model_fields = (
        "property",
        "container_id",
        "fraction",
        "container_type",
        "size_litres",
        "placement_address",
    )

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["container_type"].help_text = _("For example 240 l two-wheeled bin.")
        _property_picker(self, org)


class AgreementForm(ModelFieldsForm):
    model = Agreement
    model_fields = (
        "property",
        "customer",
        "period_start",
        "period_end",
        "price",
        "currency",
        "description",
    )
    widgets = {"period_start": DATE_WIDGET, "period_end": DATE_WIDGET}

    # Typed the local way: "1250,50" in Danish, Norwegian and Swedish.
    price = forms.DecimalField(
        label=_("price"), max_digits=12, decimal_places=2, localize=True, required=False
    )

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].widget.attrs["rows"] = 3
        _property_picker(self, org)
        customer = self.fields["customer"]
        customer.queryset = for_org(Customer, org)
        customer.label_from_instance = customer_label
        limit_picker(self, "customer", customer_options(org), label=customer_label)
