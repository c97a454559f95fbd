from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.models import RetentionPolicy
from privacy.services import REASON_MAX


class RetentionPolicyForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = ["anonymise_customers_after_months", "raw_email_days", "deleted_inquiry_days"]
        widgets = {
            name: forms.NumberInput(attrs={"class": "input", "min": 1, "inputmode": "numeric"})
            for name in fields
        }


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        help_text=_(
            "Why the data is erased, e.g. “The person asked on 3 March”. Kept in the privacy log."
        ),
        widget=forms.TextInput(attrs={"class": "input"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this removes the person's data for good and cannot be undone."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )
