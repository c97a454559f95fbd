"""Forms of the deviation register: register/edit, the list's filters, status changes, files.

The property picker is a select showing only the current choice and search matches (as on the
New case form): with JavaScript it fills from the properties autocomplete, without it the
"Search" button reloads the form with the matches, keeping everything typed. Ids are checked
against the organization in `clean`; everything else (dates, staff) the service checks too.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.forms_lists import DATE_WIDGET, ListChoices, pick_by_id
from cases.forms_panels import AttachmentField
from cases.models import Deviation
from cases.selectors.deviations import DeviationFilters
from cases.services.deviations import DeviationData
from organizations.models import Organization
from organizations.rendering import FAST_RENDERER
from organizations.web import clean_search_text
from properties.models import Property
from properties.selectors import property_label

NONE = ("", "—")


class PropertyPickerMixin:
    """A `property` id field shown as a select of the current choice plus search matches."""

    org: Organization
    selected_property: Property | None = None

    def _raw_property_id(self) -> int | None:
        value = self["property"].value()
        try:
            number = int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None
        return number if number and 0 < number < 2**63 else None

    def prepare_property_picker(self, matches=(), empty_label: Any = "—") -> None:
        property_id = self._raw_property_id()
        if property_id:
            self.selected_property = Property.objects.filter(
                organization=self.org, pk=property_id
            ).first()
        options: list[tuple[Any, str]] = [("", empty_label)]
        seen = set()
        for row in [self.selected_property, *matches]:
            if row is not None and row.pk not in seen:
                seen.add(row.pk)
                options.append((row.pk, property_label(row)))
        self.fields["property"].widget.choices = options

    def clean_property(self) -> Property | None:
        property_id = self.cleaned_data.get("property")
        if not property_id:
            return None
        prop = self.selected_property
        if prop is None or prop.pk != property_id:
            prop = Property.objects.filter(organization=self.org, pk=property_id).first()
        if prop is None:
            raise ValidationError(_("Choose a property from the list."))
        return prop


class DeviationForm(PropertyPickerMixin, forms.Form):
    """Register or edit a deviation. `copy_choices` (from an inquiry or a case) offers their
    files to copy; `with_files` adds an upload field (registering only)."""

    default_renderer = FAST_RENDERER

    title = forms.CharField(label=_("Title"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=Deviation.Type.choices)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Deviation.Severity.choices, initial="medium"
    )
    description = forms.CharField(
        label=_("What happened?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    property = forms.IntegerField(label=_("Property"), required=False, widget=forms.Select)
    property_search = forms.CharField(label=_("Find property"), required=False, max_length=100)
    location = forms.CharField(
        label=_("Location"),
        required=False,
        max_length=200,
        help_text=_("Where exactly, e.g. the stairwell in building B or the parking lot."),
    )
    responsible = forms.ChoiceField(label=_("Responsible"), required=False)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE_WIDGET)
    corrective_action = forms.CharField(
        label=_("Corrective action"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is done, or will be done, so it does not happen again."),
    )

    def __init__(
        self,
        *args: Any,
        org: Organization,
        choices: ListChoices,
        with_files: bool = False,
        copy_choices: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.org = org
        self.choices = choices
        self.fields["responsible"].choices = lambda: [
            NONE,
            *[(str(u.pk), str(u)) for u in choices.staff],
        ]
        if with_files:
            self.fields["files"] = AttachmentField(label=_("Photos and files"), required=False)
        if copy_choices:
            self.fields["copy"] = forms.TypedMultipleChoiceField(
                label=_("Copy these files to the deviation"),
                choices=copy_choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[pk for pk, _label in copy_choices],
            )

    def clean_responsible(self):
        # The choices are the staff, so a value here is one of them.
        return pick_by_id(self.choices.staff, self.cleaned_data.get("responsible"))

    def clean_property_search(self) -> str:
        return clean_search_text(self.cleaned_data.get("property_search") or "")

    def deviation_data(self) -> DeviationData:
        data = self.cleaned_data
        return DeviationData(
            title=data["title"],
            type=data["type"],
            severity=data["severity"],
            description=data.get("description", ""),
            property=data.get("property"),
            location=data.get("location", ""),
            responsible=data.get("responsible"),
            corrective_action=data.get("corrective_action", ""),
            due_date=data.get("due_date"),
        )

    @staticmethod
    def initial_from(deviation: Deviation) -> dict[str, Any]:
        return {
            "title": deviation.title,
            "type": deviation.type,
            "severity": deviation.severity,
            "description": deviation.description,
            "property": deviation.property_id or "",
            "location": deviation.location,
            "responsible": str(deviation.responsible_id or ""),
            "corrective_action": deviation.corrective_action,
            "due_date": deviation.due_date,
        }


class DeviationFilterForm(PropertyPickerMixin, forms.Form):
    default_renderer = FAST_RENDERER

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Title, location or number."),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    type = forms.ChoiceField(label=_("Type"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), required=False)
    property = forms.IntegerField(label=_("Property"), required=False, widget=forms.Select)
    responsible = forms.ChoiceField(label=_("Responsible"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args: Any, org: Organization, choices: ListChoices, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.org = org
        self.choices = choices
        anything = ("", _("Any"))
        f = self.fields
        f["status"].choices = [
            anything,
            ("open", _("Open or in treatment")),
            *Deviation.Status.choices,
        ]
        f["type"].choices = [anything, *Deviation.Type.choices]
        f["severity"].choices = [anything, *Deviation.Severity.choices]
        f["responsible"].choices = lambda: [
            anything,
            ("none", _("Nobody")),
            *[(str(u.pk), str(u)) for u in choices.staff],
        ]

    def clean_q(self) -> str:
        return clean_search_text(self.cleaned_data.get("q") or "")

    def clean_responsible(self):
        value = self.cleaned_data.get("responsible")
        if value in ("", "none"):
            return value
        return pick_by_id(self.choices.staff, value)

    def filters(self) -> DeviationFilters:
        """The valid filters; a bad field is reported on the form and left out."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        ok = {k: v for k, v in data.items() if k not in self.errors}
        responsible = ok.get("responsible")
        return DeviationFilters(
            status=ok.get("status") or "",
            type=ok.get("type") or "",
            severity=ok.get("severity") or "",
            property=ok.get("property"),
            responsible=responsible if not isinstance(responsible, str) else None,
            unassigned=responsible == "none",
            overdue=bool(ok.get("overdue")),
            q=ok.get("q") or "",
        )


class DeviationStatusForm(forms.Form):
    """Start treatment, close (with the corrective action) or reopen."""

    status = forms.ChoiceField(label=_("New status"), choices=Deviation.Status.choices)
    corrective_action = forms.CharField(
        label=_("Corrective action"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "status")
        super().__init__(*args, **kwargs)


class DeviationFilesForm(forms.Form):
    files = AttachmentField(label=_("Photos and files"))

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "files")
        super().__init__(*args, **kwargs)

    def clean_files(self):
        files = self.cleaned_data["files"]
        if not files:
            raise ValidationError(_("Choose at least one file."))
        return files
