"""Intake rule settings (seed 002): one form per channel group, plus the bulk case type."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category
from customers.models import Customer
from inquiries.models import IntakeRule
from organizations.models import Organization, Team, User
from organizations.selectors import staff_members


def deadline_choices() -> list[tuple[str, str]]:
    # Built per request so the labels are in the reader's language.
    days = [
        (str(n), ngettext("%(days)d day", "%(days)d days", n) % {"days": n}) for n in range(1, 15)
    ]
    return [("", gettext("No deadline")), *days]


# Fields that only make sense for some channel groups.
PORTAL_ONLY = {"visible_to_customer_default", "allow_self_registration"}
NOT_PORTAL = {"customer_handling", "new_customer_kind", "contact_method", "send_confirmation"}


class IntakeRuleForm(forms.Form):
    customer_handling = forms.ChoiceField(
        label=_("Customer handling"),
        choices=IntakeRule.CustomerHandling.choices,
        widget=forms.RadioSelect,
        help_text=_("A new customer is created when no customer has the e-mail address."),
    )
    new_customer_kind = forms.ChoiceField(
        label=_("Create customers as"), choices=Customer.Kind.choices
    )
    assignees = forms.ModelMultipleChoiceField(
        label=_("Assign to users"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("With several users, cases go to each in turn."),
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Assign to teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline_days = forms.TypedChoiceField(
        label=_("Set deadline after"),
        coerce=int,
        empty_value=None,
        required=False,
    )
    category = forms.ModelChoiceField(
        label=_("Case type"), queryset=Category.objects.none(), required=False
    )
    contact_method = forms.ChoiceField(
        label=_("Default contact method"), choices=Case.ContactMethod.choices
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Case.Priority.choices)
    send_confirmation = forms.BooleanField(
        label=_("Send an e-mail confirmation to the customer"), required=False
    )
    visible_to_customer_default = forms.BooleanField(
        label=_("Show new cases to the customer in the portal by default"), required=False
    )
    allow_self_registration = forms.BooleanField(
        label=_("Residents may register themselves in the portal"),
        required=False,
        help_text=_(
            "Otherwise only customers you invite from the customer page can sign in. A visitor "
            "who registers confirms the e-mail address by a link before the account exists."
        ),
    )
    create_case_immediately = forms.BooleanField(
        label=_("Create cases at once"),
        required=False,
        help_text=_("Otherwise inquiries wait in the tray until someone handles them."),
    )

    def __init__(self, *args, org: Organization, rule: IntakeRule, **kwargs):
        self.rule = rule
        if not args and "data" not in kwargs:
            kwargs.setdefault(
                "initial",
                {
                    **{
                        name: getattr(rule, name)
                        for name in self.base_fields
                        if hasattr(rule, name)
                    },
                    "assignees": list(rule.assignees.all()),
                    "teams": list(rule.teams.all()),
                    "deadline_days": str(rule.deadline_days or ""),
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["deadline_days"].choices = deadline_choices()
        self.fields["assignees"].queryset = staff_members(org)
        self.fields["teams"].queryset = Team.objects.filter(organization=org).order_by("name")
        self.fields["category"].queryset = Category.objects.filter(organization=org, is_active=True)
        hidden = NOT_PORTAL if rule.channel_group == IntakeRule.ChannelGroup.PORTAL else PORTAL_ONLY
        for name in hidden:
            del self.fields[name]

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        return {
            "assignees": list(data.pop("assignees")),
            "teams": list(data.pop("teams")),
            **data,
        }


class BulkCategoryForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Case type for inquiries turned into cases in bulk"),
        queryset=Category.objects.none(),
        help_text=_("“Create cases” on several inquiries gives every case this type."),
    )

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(organization=org, is_active=True)
