"""The case form pre-filled from one inquiry (the paper icon)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category, NotificationRequest
from cases.services.cases import CaseData
from customers.models import Customer, Supplier
from inquiries.forms.widgets import DateInput
from inquiries.models import Channel, Inquiry, InquiryAttachment, IntakeRule
from inquiries.services.matching import (
    NewCustomer,
    case_description,
    case_title,
    categories_by_hint,
    category_from_hint,
    customer_candidates,
    deadline_for,
)
from inquiries.services.rules import assignee_peek
from notifications.outbox import normalise_phone
from organizations.models import Organization, Team, User
from organizations.selectors import staff_members
from properties.formkit import limit_picker
from properties.models import Property
from properties.selectors import property_label

Request = NotificationRequest


class CustomerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Customer) -> str:
        details = ", ".join(p for p in (obj.email, obj.phone, obj.get_kind_display()) if p)
        return f"{obj.name} ({details})"


class InquiryConvertForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    location = forms.CharField(label=_("Location in the building"), max_length=200, required=False)
    category = forms.ModelChoiceField(
        label=_("Case type"), queryset=Category.objects.none(), required=False
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Case.Priority.choices)
    contact_method = forms.ChoiceField(
        label=_("Contact method"), choices=Case.ContactMethod.choices
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=User.objects.none(), required=False
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    supplier = forms.ModelChoiceField(
        label=_("Supplier"), queryset=Supplier.objects.none(), required=False
    )
    customer = CustomerChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.none(),
        required=False,
        empty_label=_("New customer from the details below"),
        help_text=_("Existing customers with the sender's e-mail address."),
    )
    new_customer_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    new_customer_email = forms.EmailField(label=_("E-mail address"), required=False)
    new_customer_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    new_customer_kind = forms.ChoiceField(label=_("Create as"), choices=Customer.Kind.choices)
    # A picker (cases/_picker.html): the current choice and search matches, not every property.
    property = forms.ModelChoiceField(
        label=_("Property"), queryset=Property.objects.none(), required=False
    )
    property_search = forms.CharField(label=_("Find property"), required=False, max_length=100)
    external_reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
    visible_to_customer = forms.BooleanField(
        label=_("Show the case to the customer in the portal"), required=False
    )
    attachments = forms.ModelMultipleChoiceField(
        label=_("Attachments to carry over"),
        queryset=InquiryAttachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notify_customer = forms.BooleanField(label=_("Notify the customer"), required=False)
    notify_supplier = forms.BooleanField(label=_("Notify the supplier"), required=False)
    notify_sms = forms.BooleanField(
        label=_("Also by SMS"),
        required=False,
        help_text=_("Messages are sent by e-mail; switch this on to send an SMS as well."),
    )

    def __init__(self, *args, org: Organization, inquiry: Inquiry, rule: IntakeRule, **kwargs):
        self.org, self.inquiry, self.rule = org, inquiry, rule
        kwargs.setdefault("initial", self.suggestion())
        super().__init__(*args, **kwargs)
        f = self.fields
        f["category"].queryset = Category.objects.filter(organization=org, is_active=True)
        f["assignee"].queryset = staff_members(org)
        f["teams"].queryset = Team.objects.filter(organization=org).order_by("name")
        f["supplier"].queryset = Supplier.objects.filter(organization=org, is_active=True)
        f["customer"].queryset = customer_candidates(org, inquiry)
        f["property"].queryset = Property.objects.filter(organization=org)
        self.prepare_property_picker()
        f["attachments"].queryset = inquiry.attachments.order_by("pk")
        if inquiry.channel != Channel.PORTAL:
            f["visible_to_customer"].help_text = _("The sender did not write from the portal.")

    def prepare_property_picker(self, matches=()) -> None:
        """The property select shows the current choice and `matches` (a search's); any
        property of the organization is still accepted."""
        limit_picker(self, "property", matches, label=property_label)

    def suggestion(self) -> dict:
        """What the intake rule and the inquiry say, for the caseworker to change."""
        inquiry, rule = self.inquiry, self.rule
        match = rule.customer_handling == IntakeRule.CustomerHandling.MATCH_EMAIL
        customer = inquiry.customer
        if customer is None and match:
            customer = customer_candidates(self.org, inquiry).first()
        category = (
            category_from_hint(inquiry.category_hint, categories_by_hint(self.org)) or rule.category
        )
        return {
            "title": case_title(inquiry),
            "description": inquiry.message,
            "location": inquiry.location,
            "category": category,
            "priority": rule.priority,
            "contact_method": rule.contact_method,
            "deadline": deadline_for(rule),
            "assignee": assignee_peek(self.org, rule),
            "teams": list(rule.teams.all()),
            "customer": customer,
            "new_customer_name": inquiry.sender_name,
            "new_customer_email": inquiry.sender_email,
            "new_customer_phone": inquiry.sender_phone,
            "new_customer_kind": rule.new_customer_kind,
            "property": inquiry.property,
            "external_reference": inquiry.external_reference,
            "visible_to_customer": (
                rule.visible_to_customer_default if inquiry.channel == Channel.PORTAL else False
            ),
            "attachments": list(inquiry.attachments.all()),
            "notify_customer": rule.send_confirmation,
        }

    def clean(self):
        data = super().clean()
        customer = data.get("customer")
        new_name = (data.get("new_customer_name") or "").strip()
        email = customer.email if customer else data.get("new_customer_email")
        phone = customer.phone if customer else data.get("new_customer_phone")
        sms = data.get("notify_sms")
        if data.get("notify_customer"):
            if customer is None and not new_name:
                self.add_error("notify_customer", _("Choose or create a customer to notify."))
            elif not email:
                self.add_error("notify_customer", _("The customer has no e-mail address."))
            elif sms and not phone:
                self.add_error("notify_sms", _("The customer has no phone number for SMS."))
            elif sms:
                self._check_mobile(phone)
        supplier = data.get("supplier")
        if data.get("notify_supplier"):
            if supplier is None:
                self.add_error("notify_supplier", _("Choose the supplier to notify."))
            elif not supplier.email:
                self.add_error("notify_supplier", _("The supplier has no e-mail address."))
            elif sms and not supplier.phone:
                self.add_error("notify_sms", _("The supplier has no phone number for SMS."))
            elif sms:
                self._check_mobile(supplier.phone)
        if sms and not (data.get("notify_customer") or data.get("notify_supplier")):
            self.add_error("notify_sms", _("Tick the customer or the supplier to send an SMS."))
        return data

    def _check_mobile(self, number: str) -> None:
        """An SMS needs a mobile number the outbox accepts; say so here rather than skip it."""
        try:
            normalise_phone(number)
        except ValidationError as exc:
            self.add_error("notify_sms", exc.messages[0])

    def notify(self) -> list[tuple[str, str, str]]:
        data = self.cleaned_data
        channels = [Request.Channel.EMAIL] + ([Request.Channel.SMS] if data["notify_sms"] else [])
        audiences = [
            audience
            for audience, ticked in (
                (Request.Audience.CUSTOMER, data["notify_customer"]),
                (Request.Audience.SUPPLIER, data["notify_supplier"]),
            )
            if ticked
        ]
        return [(a, ch, Request.Reason.CASE_CREATED) for a in audiences for ch in channels]

    def case_data(self) -> CaseData:
        data = self.cleaned_data
        return CaseData(
            title=data["title"],
            description=case_description(data["description"], data["location"]),
            category=data["category"],
            priority=data["priority"],
            source=self.inquiry.channel,
            contact_method=data["contact_method"],
            customer=data["customer"],
            property=data["property"],
            assignee=data["assignee"],
            teams=list(data["teams"]),
            supplier=data["supplier"],
            deadline=data["deadline"],
            external_reference=data["external_reference"],
            visible_to_customer=data["visible_to_customer"],
            notify=self.notify(),
        )

    def new_customer(self) -> NewCustomer | None:
        data = self.cleaned_data
        if data["customer"] is not None or not data["new_customer_name"].strip():
            return None
        return NewCustomer(
            name=data["new_customer_name"],
            email=data["new_customer_email"],
            phone=data["new_customer_phone"],
            kind=data["new_customer_kind"],
        )
