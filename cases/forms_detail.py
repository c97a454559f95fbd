"""Forms of the case page's header and info tabs (panels: cases/forms_panels.py).

Every picker's queryset is limited to the page's organization."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category
from customers.models import Customer, Supplier
from customers.selectors import customer_label, customer_options
from organizations.models import Organization, Team, User
from organizations.scoping import for_org
from organizations.selectors import staff_members
from properties.formkit import limit_picker
from properties.models import Container, Property
from properties.selectors import property_label, property_options

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ASSIGNEE_OPTIONS = 30  # staff shown in the assignee picker before a search


def assignee_options(org: Organization, query: str = "", limit: int = ASSIGNEE_OPTIONS):
    """Staff members for the assignee picker: the first `limit` whose name or e-mail has `query`."""
    users = staff_members(org)
    query = query.strip()
    if query:
        users = users.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    return list(users[:limit])


def apply_errors(form: forms.Form, exc: ValidationError, default_field: str | None = None) -> None:
    """Put a service's ValidationError on the form: on its fields where they exist."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else default_field
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(default_field, message)


# --- Header fields: one small form per field, each posting to cases:case_field -------------


class CaseFieldForm(forms.Form):
    """Base for the one-field forms of the header and the info tabs."""

    field_name: str = ""

    def __init__(self, *args, org: Organization, case: Case, **kwargs):
        kwargs.setdefault("auto_id", "id_case_%s")
        super().__init__(*args, **kwargs)
        self.org = org
        self.case = case
        if not self.is_bound:
            self.initial.setdefault(self.field_name, self._current())

    def _current(self):
        value = getattr(self.case, self.field_name)
        if hasattr(value, "all"):
            return list(value.all())
        return value

    @property
    def value(self):
        return self.cleaned_data[self.field_name]

    def current_as_post(self) -> list[str]:
        """The case's current value as this form would post it: what Undo posts back."""
        value = self._current()
        values = value if isinstance(value, list) else [value]
        posted = []
        for item in values:
            if item is None:
                item = ""
            elif hasattr(item, "pk"):
                item = item.pk
            elif hasattr(item, "isoformat"):
                item = item.isoformat()
            posted.append(str(item))
        return posted


class TitleForm(CaseFieldForm):
    field_name = "title"
    title = forms.CharField(label=_("Title"), max_length=200)


class StatusForm(CaseFieldForm):
    """Closing needs a resolution, so it has its own form; reopening too."""

    field_name = "status"
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(v, label) for v, label in Case.Status.choices if v != Case.Status.CLOSED],
    )


class PriorityForm(CaseFieldForm):
    field_name = "priority"
    priority = forms.ChoiceField(label=_("Priority"), choices=Case.Priority.choices)


class SourceForm(CaseFieldForm):
    field_name = "source"
    source = forms.ChoiceField(label=_("Source"), choices=Case.Source.choices)


class ReferenceForm(CaseFieldForm):
    field_name = "external_reference"
    external_reference = forms.CharField(label=_("Reference"), max_length=100, required=False)


class DeadlineForm(CaseFieldForm):
    field_name = "deadline"
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_INPUT)


class CategoryForm(CaseFieldForm):
    field_name = "category"
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Inactive categories are not offered, unless the case already has one.
        self.fields["category"].queryset = for_org(Category, self.org).filter(
            Q(is_active=True) | Q(pk=self.case.category_id or 0)
        )
        self.fields["category"].empty_label = _("No category")


class AssigneeForm(CaseFieldForm):
    """Any staff member of the organization; the select shows the first ASSIGNEE_OPTIONS (and
    the current assignee), and its search box refreshes them (cases:case_field_options)."""

    field_name = "assignee"
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_members(self.org)
        limit_picker(
            self,
            "assignee",
            assignee_options(self.org),
            empty_label=_("Nobody"),
        )


class TeamsForm(CaseFieldForm):
    field_name = "teams"
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = for_org(Team, self.org).order_by("name")


class SupplierForm(CaseFieldForm):
    field_name = "supplier"
    supplier = forms.ModelChoiceField(
        label=_("Supplier"), queryset=Supplier.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = for_org(Supplier, self.org).filter(is_active=True)
        self.fields["supplier"].empty_label = _("None")


class CustomerForm(CaseFieldForm):
    """Any customer of the organization; the select shows a short list that the search box
    above it refreshes (customers:customer_options), so large registers stay fast."""

    field_name = "customer"
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = for_org(Customer, self.org)
        limit_picker(
            self,
            "customer",
            customer_options(self.org),
            label=customer_label,
            empty_label=_("No customer"),
        )


class PropertyForm(CaseFieldForm):
    field_name = "property"
    property = forms.ModelChoiceField(
        label=_("Property"), queryset=Property.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["property"].queryset = for_org(Property, self.org)
        limit_picker(
            self,
            "property",
            property_options(self.org),
            label=property_label,
            empty_label=_("No property"),
        )


class ContainersForm(CaseFieldForm):
    """The containers at the case's property, plus any already linked to the case."""

    field_name = "containers"
    containers = forms.ModelMultipleChoiceField(
        label=_("Linked containers"),
        queryset=Container.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Q(pk__in=[c.pk for c in self.case.containers.all()])
        if self.case.property_id:
            allowed |= Q(property_id=self.case.property_id)
        self.fields["containers"].queryset = (
            for_org(Container, self.org)
            .filter(allowed)
            .select_related("property")
            .order_by("container_id")
        )


HEADER_FORMS: dict[str, type[CaseFieldForm]] = {
    form.field_name: form
    for form in (
        TitleForm,
        StatusForm,
        PriorityForm,
        CategoryForm,
        AssigneeForm,
        TeamsForm,
        SupplierForm,
        DeadlineForm,
        SourceForm,
        ReferenceForm,
    )
}
LINK_FORMS: dict[str, type[CaseFieldForm]] = {
    form.field_name: form for form in (CustomerForm, PropertyForm, ContainersForm)
}


class CloseForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How was the case solved? Saved with the case."),
    )
    notify_customer = forms.BooleanField(
        label=_("Send the resolution to the customer"),
        required=False,
        help_text=_("By e-mail, or by SMS when the customer has no e-mail address."),
    )


class ReopenForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Reopen as"),
        choices=[(s.value, s.label) for s in Case.OPEN_STATUSES],
        initial=Case.Status.IN_PROGRESS,
    )
