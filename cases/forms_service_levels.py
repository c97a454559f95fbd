"""The service-level policy form (Settings → Service levels). Targets are typed as hours and
minutes of business time; the customer is a search picker like on the new-case form (an
organization may have 100,000 customers), and works without JavaScript through its Search
button."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms_create import _customer_label, _picker_options
from cases.models import Case, Category, ServiceLevelPolicy
from customers.models import Customer
from organizations.models import Organization

HOURS_MAX = 365 * 24


def _hours(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=HOURS_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _minutes(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=59,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ServiceLevelPolicyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    category = forms.ChoiceField(
        label=_("Only cases of category"), required=False, widget=forms.Select
    )
    customer = forms.IntegerField(
        label=_("Only cases of customer"), required=False, widget=forms.Select
    )
    customer_search = forms.CharField(label=_("Find customer"), required=False, max_length=100)
    first_response_hours = _hours(_("First response within: hours"))
    first_response_mins = _minutes(_("and minutes"))
    resolution_hours = _hours(_("Resolution within: hours"))
    resolution_mins = _minutes(_("and minutes"))
    risk_percent = forms.IntegerField(
        label=_("At risk from (% of the time)"),
        required=False,
        min_value=1,
        max_value=99,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(
        self,
        *args: Any,
        org: Organization,
        categories: list[Category],
        default_risk_percent: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.org = org
        self.categories = categories
        self.fields["priority"].choices = [("", _("Any priority")), *Case.Priority.choices]
        self.fields["category"].choices = [
            ("", _("Any category")),
            *[(str(c.pk), c.name) for c in categories],
        ]
        self.fields["risk_percent"].help_text = _(
            "Leave empty for the organization's share (now %(percent)s %%)."
        ) % {"percent": default_risk_percent}
        self.selected_customer: Customer | None = None

    def prepare_customer_picker(self, matches=()) -> None:
        """The current customer (checked against the organization) and the search matches."""
        value = self["customer"].value()
        try:
            customer_id = int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            customer_id = None
        if customer_id:
            self.selected_customer = Customer.objects.filter(
                organization=self.org, pk=customer_id
            ).first()
        options = _picker_options(self.selected_customer, matches, _customer_label)
        options[0] = ("", _("Any customer"))
        self.fields["customer"].widget.choices = options

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # The choices are the organization's categories: a valid value names one of them.
        category = data.get("category")
        data["category"] = next((c for c in self.categories if str(c.pk) == category), None)
        if data.get("customer"):
            data["customer"] = self.selected_customer
            if data["customer"] is None:
                self.add_error("customer", _("Choose a customer from the list."))
        else:
            data["customer"] = None
        return data

    @staticmethod
    def _minutes_of(data: dict, name: str) -> int | None:
        hours, minutes = data.get(f"{name}_hours"), data.get(f"{name}_mins")
        if hours is None and minutes is None:
            return None
        return (hours or 0) * 60 + (minutes or 0) or None

    def policy_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "priority": data.get("priority") or "",
            "category": data.get("category"),
            "customer": data.get("customer"),
            "first_response_minutes": self._minutes_of(data, "first_response"),
            "resolution_minutes": self._minutes_of(data, "resolution"),
            "risk_percent": data.get("risk_percent"),
        }


def initial_for(policy: ServiceLevelPolicy) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "name": policy.name,
        "priority": policy.priority,
        "category": str(policy.category_id or ""),
        "customer": policy.customer_id,
        "risk_percent": policy.risk_percent,
    }
    for name in ("first_response", "resolution"):
        minutes = getattr(policy, f"{name}_minutes")
        if minutes:
            initial[f"{name}_hours"], initial[f"{name}_mins"] = divmod(minutes, 60)
    return initial
