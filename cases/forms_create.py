"""The "New case" form: a case typed in by a caseworker, e.g. during a phone call.

The customer and property pickers are selects that show only the current choice and the
matches of a search (an organization may have 100,000 customers); with JavaScript the search
fills them as you type from the autocomplete endpoints, without it the "Search" button reloads
the form with the matches, keeping everything typed. Every id is checked against the
organization in `clean`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms_lists import DATE_WIDGET, ListChoices, pick_by_id
from cases.models import Case, NotificationRequest
from customers.models import Customer
from organizations.models import Organization
from organizations.rendering import FAST_RENDERER
from properties.models import Container, Property
from properties.selectors import property_label

Notify = NotificationRequest


class CaseCreateForm(forms.Form):
    default_renderer = FAST_RENDERER  # pickers for staff, suppliers, containers, ...

    # Who and where
    customer = forms.IntegerField(label=_("Existing customer"), required=False, widget=forms.Select)
    customer_search = forms.CharField(label=_("Find customer"), required=False, max_length=100)
    new_customer_name = forms.CharField(label=_("Name"), required=False, max_length=200)
    new_customer_email = forms.CharField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    new_customer_phone = forms.CharField(label=_("Phone"), required=False, max_length=32)
    new_customer_type = forms.ChoiceField(
        label=_("Type"),
        choices=Customer.Type.choices,
        initial=Customer.Type.PERSON,
        widget=forms.Select,
    )
    new_customer_kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Customer.Kind.choices,
        initial=Customer.Kind.REGULAR,
        widget=forms.Select,
    )
    property = forms.IntegerField(label=_("Property"), required=False, widget=forms.Select)
    property_search = forms.CharField(label=_("Find property"), required=False, max_length=100)
    containers = forms.TypedMultipleChoiceField(
        label=_("Containers"),
        required=False,
        coerce=int,
        widget=forms.SelectMultiple,
        error_messages={
            "invalid_choice": _("Choose containers that stand at the chosen property.")
        },
    )
    # What
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    category = forms.ChoiceField(label=_("Category"), required=False, widget=forms.Select)
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Case.Priority.choices,
        initial=Case.Priority.NORMAL,
        widget=forms.Select,
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_WIDGET)
    source = forms.ChoiceField(
        label=_("Source"),
        choices=Case.Source.choices,
        initial=Case.Source.PHONE,
        widget=forms.Select,
    )
    external_reference = forms.CharField(label=_("Reference"), required=False, max_length=100)
    # Who works on it
    assignee = forms.ChoiceField(label=_("Assignee"), required=False, widget=forms.Select)
    teams = forms.MultipleChoiceField(
        label=_("Teams"), required=False, widget=forms.CheckboxSelectMultiple
    )
    supplier = forms.ChoiceField(label=_("Supplier"), required=False, widget=forms.Select)
    visible_to_customer = forms.BooleanField(
        label=_("Visible to the customer in Min side"), required=False
    )
    notify_customer_email = forms.BooleanField(
        label=_("Tell the customer by e-mail that the case was created"), required=False
    )
    notify_customer_sms = forms.BooleanField(
        label=_("Tell the customer by SMS that the case was created"), required=False
    )
    notify_supplier_email = forms.BooleanField(
        label=_("Tell the supplier by e-mail"), required=False
    )

    def __init__(self, *args: Any, org: Organization, choices: ListChoices, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.org = org
        self.choices = choices
        none = ("", "—")
        f = self.fields
        f["category"].choices = lambda: [
            none,
            *[(str(c.pk), c.name) for c in choices.categories if c.is_active],
        ]
        f["assignee"].choices = lambda: [none, *[(str(u.pk), str(u)) for u in choices.staff]]
        f["teams"].choices = lambda: [(str(t.pk), t.name) for t in choices.teams]
        f["supplier"].choices = lambda: [
            none,
            *[(str(s.pk), s.name) for s in choices.suppliers if s.is_active],
        ]
        self.selected_customer: Customer | None = None
        self.selected_property: Property | None = None

    # --- pickers ------------------------------------------------------------------------

    def _raw_id(self, name: str) -> int | None:
        value = self[name].value()
        try:
            return int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def prepare_pickers(self, customer_matches=(), property_matches=()) -> None:
        """Fill the picker selects: the current choice (checked against the organization),
        the search matches, and the chosen property's containers."""
        customer_id, property_id = self._raw_id("customer"), self._raw_id("property")
        if customer_id:
            self.selected_customer = Customer.objects.filter(
                organization=self.org, pk=customer_id
            ).first()
        if property_id:
            self.selected_property = Property.objects.filter(
                organization=self.org, pk=property_id
            ).first()
        self.fields["customer"].widget.choices = _picker_options(
            self.selected_customer, customer_matches, _customer_label
        )
        self.fields["property"].widget.choices = _picker_options(
            self.selected_property, property_matches, property_label
        )
        containers = (
            Container.objects.filter(
                organization=self.org, property=self.selected_property
            ).order_by("container_id")
            if self.selected_property
            else []
        )
        self.fields["containers"].choices = [(c.pk, str(c)) for c in containers]

    # --- validation ---------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        c = self.choices
        customer_id = data.get("customer")
        if customer_id:
            data["customer"] = (
                self.selected_customer
                or Customer.objects.filter(organization=self.org, pk=customer_id).first()
            )
            if data["customer"] is None:
                self.add_error("customer", _("Choose a customer from the list."))
        else:
            data["customer"] = None
        if data.get("customer") and (data.get("new_customer_name") or "").strip():
            self.add_error(
                "new_customer_name",
                _("Pick an existing customer or create a new one, not both."),
            )
        property_id = data.get("property")
        prop = None
        if property_id:
            prop = (
                self.selected_property
                or Property.objects.filter(organization=self.org, pk=property_id).first()
            )
            if prop is None:
                self.add_error("property", _("Choose a property from the list."))
        data["property"] = prop
        container_ids = data.get("containers") or []
        containers: list[Container] = []
        if container_ids:
            if prop is None:
                self.add_error("containers", _("Choose the property the containers stand at."))
            else:
                containers = list(
                    Container.objects.filter(
                        organization=self.org, property=prop, pk__in=container_ids
                    )
                )
                if len(containers) != len(set(container_ids)):
                    self.add_error(
                        "containers", _("Choose containers that stand at the chosen property.")
                    )
        data["containers"] = containers
        data["category"] = pick_by_id(c.categories, data.get("category"))
        data["assignee"] = pick_by_id(c.staff, data.get("assignee"))
        data["supplier"] = pick_by_id([s for s in c.suppliers if s.is_active], data.get("supplier"))
        wanted = set(data.get("teams") or [])
        data["teams"] = [t for t in c.teams if str(t.pk) in wanted]
        if (data.get("notify_customer_email") or data.get("notify_customer_sms")) and not (
            data.get("customer") or (data.get("new_customer_name") or "").strip()
        ):
            self.add_error(None, _("Choose or create a customer to notify."))
        if data.get("notify_supplier_email") and not data.get("supplier"):
            self.add_error("supplier", _("Choose the supplier to notify."))
        return data

    # --- for the service ----------------------------------------------------------------

    def new_customer(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not (data.get("new_customer_name") or "").strip():
            return None
        return {
            "name": data["new_customer_name"],
            "email": data.get("new_customer_email", ""),
            "phone": data.get("new_customer_phone", ""),
            "kind": data["new_customer_kind"],
            "customer_type": data["new_customer_type"],
        }

    def case_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        notify = []
        if data.get("notify_customer_email"):
            notify.append(
                (Notify.Audience.CUSTOMER, Notify.Channel.EMAIL, Notify.Reason.CASE_CREATED)
            )
        if data.get("notify_customer_sms"):
            notify.append(
                (Notify.Audience.CUSTOMER, Notify.Channel.SMS, Notify.Reason.CASE_CREATED)
            )
        if data.get("notify_supplier_email"):
            notify.append(
                (Notify.Audience.SUPPLIER, Notify.Channel.EMAIL, Notify.Reason.CASE_CREATED)
            )
        return {
            "title": data["title"],
            "description": data.get("description", ""),
            "category": data["category"],
            "priority": data["priority"],
            "source": data["source"],
            "customer": data["customer"],
            "property": data["property"],
            "containers": data["containers"],
            "assignee": data["assignee"],
            "teams": data["teams"],
            "supplier": data["supplier"],
            "deadline": data.get("deadline"),
            "external_reference": data.get("external_reference", ""),
            "visible_to_customer": data.get("visible_to_customer", False),
            "notify": notify,
        }


def _customer_label(customer: Customer) -> str:
    extra = customer.email or customer.phone
    return f"{customer.name} · {extra}" if extra else customer.name


def _picker_options(selected, matches, label) -> list[tuple[Any, str]]:
    options: list[tuple[Any, str]] = [("", "—")]
    seen = set()
    for row in [selected, *matches]:
        if row is not None and row.pk not in seen:
            seen.add(row.pk)
            options.append((row.pk, label(row)))
    return options
