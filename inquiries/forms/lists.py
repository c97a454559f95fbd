"""The tray's filters and its bulk actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inquiries.forms.widgets import DateInput
from inquiries.models import Channel, Inquiry
from organizations.web import parse_ids


class InquiryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"), choices=Inquiry.Status.choices, required=False, initial="new"
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("All channels")), *Channel.choices], required=False
    )
    date_from = forms.DateField(label=_("Received from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Received to"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return data

    def filters(self) -> dict:
        """The valid filters; a bad value falls back to its default (the form shows why)."""
        data = self.cleaned_data if self.is_bound else {}
        errors = self.errors if self.is_bound else {}
        return {
            "status": (data.get("status") if "status" not in errors else "") or "new",
            "channel": data.get("channel", "") if "channel" not in errors else "",
            "date_from": data.get("date_from") if "date_from" not in errors else None,
            "date_to": data.get("date_to") if "date_to" not in errors else None,
        }


class RowIdsField(forms.Field):
    """The ids of the ticked rows, distinct and in order. A value that cannot be an id ("²",
    5,000 digits, beyond bigint) is dropped, as the services drop other organizations' ids."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        return parse_ids(value if isinstance(value, list | tuple) else [value])


class InquiryBulkForm(forms.Form):
    ACTIONS = [
        ("convert", _("Create cases")),
        ("delete", _("Delete")),
        ("restore", _("Restore")),
    ]

    action = forms.ChoiceField(choices=ACTIONS)
    ids = RowIdsField(required=False)
    reason = forms.CharField(label=_("Reason for deleting"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("ids"):
            raise forms.ValidationError(_("Select at least one inquiry."))
        if data.get("action") == "delete" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for deleting."))
        return data
