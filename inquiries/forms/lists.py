"""The tray's filters and its bulk actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inquiries.forms.widgets import DateInput
from inquiries.models import Channel, Inquiry


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


class InquiryBulkForm(forms.Form):
    ACTIONS = [
        ("convert", _("Create cases")),
        ("delete", _("Delete")),
        ("restore", _("Restore")),
    ]

    action = forms.ChoiceField(choices=ACTIONS)
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=False)
    reason = forms.CharField(label=_("Reason for deleting"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any integer is accepted here; the services keep only the organization's own ids.
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(v, v) for v in raw if str(v).isdigit()]

    def clean(self):
        data = super().clean()
        if not data.get("ids"):
            raise forms.ValidationError(_("Select at least one inquiry."))
        if data.get("action") == "delete" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for deleting."))
        return data
