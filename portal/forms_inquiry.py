"""Forms for new inquiries: the resident's form (built from an inquiry form's fields) and the
admins' editor of inquiry forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Category
from inquiries.services.files import MAX_FILES
from organizations.forms import MultipleFileField
from portal.inquiry.selectors import property_label
from portal.inquiry_forms import FIELDS, HELP_MAX, MESSAGE_MAX, MODE_CHOICES, asked_fields
from portal.models import InquiryForm
from properties.models import Property

OTHER_ADDRESS = "other"
# What the file input offers; the content checks (cases.services.attachments) decide. HEIC is
# deliberately not named: iPhones then hand the page a JPEG copy of a HEIC photo, which gets a
# preview and a thumbnail; a HEIC file that arrives anyway (from a computer) is still accepted.
ACCEPT = (
    "image/*,.pdf,.docx,.xlsx,.odt,.txt,.csv,application/pdf,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/vnd.oasis.opendocument.text"
)

_MAX_LENGTHS = {"subject": 200, "location": 200, "phone": 32, "access": 500, "address": 300}
_AUTOCOMPLETE = {"phone": "tel", "address": "street-address"}


class PortalInquiryForm(forms.Form):
    """A resident's new inquiry through one inquiry form. Fields the form does not ask are not
    on it; `property` offers only `homes` (the resident's own), so any other id is refused."""

    def __init__(self, *args, inquiry_form: InquiryForm, homes: list[Property], **kwargs):
        super().__init__(*args, **kwargs)
        self.inquiry_form = inquiry_form
        self.homes = {str(home.pk): home for home in homes}
        self.asked = asked_fields(inquiry_form.fields)
        for name, field in self.asked.items():
            if name == "attachments":
                continue
            if name == "property":
                self._add_property_fields(field)
                continue
            widget = forms.Textarea(attrs={"rows": 3}) if name == "access" else None
            self.fields[name] = forms.CharField(
                label=field.label,
                help_text=field.help,
                required=field.required,
                max_length=_MAX_LENGTHS[name],
                widget=widget,
            )
            if name in _AUTOCOMPLETE:
                self.fields[name].widget.attrs["autocomplete"] = _AUTOCOMPLETE[name]
        self.fields["message"] = forms.CharField(
            label=gettext_lazy("What is it about?"),
            help_text=gettext_lazy("Describe what has happened and since when."),
            max_length=MESSAGE_MAX,
            widget=forms.Textarea(attrs={"rows": 6}),
        )
        self.order_fields(["subject", "property", "address", "location", "message"])
        if "attachments" in self.asked or inquiry_form.photo_required:
            spec = self.asked.get("attachments")
            limit = filesizeformat(settings.ATTACHMENT_MAX_BYTES)
            help_text = (
                (spec.help if spec else str(FIELDS["attachments"].help))
                + " "
                + _("Up to %(count)s files, at most %(limit)s each.")
                % {"count": MAX_FILES, "limit": limit}
            )
            field = MultipleFileField(
                label=FIELDS["attachments"].label, help_text=help_text, required=False
            )
            field.widget.attrs.update(
                {
                    "accept": ACCEPT,
                    "data-max-bytes": str(settings.ATTACHMENT_MAX_BYTES),
                    "data-max-files": str(MAX_FILES),
                }
            )
            # Required or not is decided with the kept files in mind (the view's check).
            field.files_required = bool(spec and spec.required) or inquiry_form.photo_required
            self.fields["attachments"] = field

    def _add_property_fields(self, field) -> None:
        address_required = field.required and not self.homes
        if self.homes:
            choices = [(pk, property_label(home)) for pk, home in self.homes.items()]
            choices.append((OTHER_ADDRESS, _("Another address")))
            self.fields["property"] = forms.ChoiceField(
                label=field.label,
                help_text=field.help,
                choices=choices,
                required=field.required,
                widget=forms.RadioSelect,
                initial=next(iter(self.homes)) if len(self.homes) == 1 else None,
            )
            address_label = gettext_lazy("Address, if it is another home")
        else:
            address_label = field.label
        self.fields["address"] = forms.CharField(
            label=address_label,
            help_text=None if self.homes else field.help,
            required=address_required,
            max_length=_MAX_LENGTHS["address"],
        )
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "property" not in self.asked:
            return data
        chosen = data.get("property") or ""
        data["property"] = self.homes.get(chosen)
        address = (data.get("address") or "").strip()
        if self.homes and chosen == OTHER_ADDRESS and not address and "address" not in self.errors:
            self.add_error("address", _("Type the address the inquiry is about."))
        if data["property"] is not None:
            data["address"] = ""
        return data

    def values(self) -> dict[str, Any]:
        """What portal_inquiry_submit takes."""
        data = self.cleaned_data
        keys = ("message", "subject", "property", "address", "location", "phone", "access")
        return {key: data[key] for key in keys if key in data}


class InquiryFormEditForm(forms.Form):
    """The admins' editor: name, introduction, case type, and per registry field how it is
    asked and its help text (`<name>_mode`, `<name>_help`)."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    intro = forms.CharField(
        label=gettext_lazy("Introduction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown above the form in the portal."),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Case type"),
        queryset=Category.objects.none(),
        required=False,
        help_text=gettext_lazy("Given to cases made from this form's inquiries."),
    )
    photo_required = forms.BooleanField(label=gettext_lazy("A photo is required"), required=False)
    is_active = forms.BooleanField(
        label=gettext_lazy("Offered to residents"), required=False, initial=True
    )

    def __init__(self, *args, org, inquiry_form: InquiryForm | None = None, **kwargs):
        if inquiry_form is not None:
            kwargs.setdefault("initial", self.initial_from(inquiry_form))
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(
            organization=org, is_active=True
        ).order_by("name")
        for name, spec in FIELDS.items():
            self.fields[f"{name}_mode"] = forms.ChoiceField(
                label=spec.label, choices=MODE_CHOICES, initial=spec.default_mode
            )
            self.fields[f"{name}_help"] = forms.CharField(
                label=gettext_lazy("Help text for “%(field)s”") % {"field": spec.label},
                required=False,
                max_length=HELP_MAX,
                help_text=gettext_lazy("Empty: “%(help)s”") % {"help": spec.help},
            )

    @staticmethod
    def initial_from(inquiry_form: InquiryForm) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": inquiry_form.name,
            "intro": inquiry_form.intro,
            "category": inquiry_form.category,
            "photo_required": inquiry_form.photo_required,
            "is_active": inquiry_form.is_active,
        }
        stored = inquiry_form.fields if isinstance(inquiry_form.fields, dict) else {}
        for name in FIELDS:
            entry = stored.get(name) if isinstance(stored.get(name), dict) else {}
            initial[f"{name}_mode"] = entry.get("mode", "hidden")
            initial[f"{name}_help"] = entry.get("help", "")
        return initial

    def field_rows(self):
        """(mode field, help field) per registry field, for the template's table."""
        return [(self[f"{name}_mode"], self[f"{name}_help"]) for name in FIELDS]

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "intro": data["intro"],
            "category": data["category"],
            "photo_required": data["photo_required"],
            "is_active": data["is_active"],
            "fields": {
                name: {"mode": data[f"{name}_mode"], "help": data[f"{name}_help"]}
                for name in FIELDS
            },
        }
