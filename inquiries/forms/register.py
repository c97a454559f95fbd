"""Staff typing in an inquiry from a phone call (seed 003)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.forms import MultipleFileField
from organizations.models import Organization
from properties.formkit import limit_picker
from properties.models import Property
from properties.selectors import property_label


class InquiryRegisterForm(forms.Form):
    sender_name = forms.CharField(label=_("Caller's name"), max_length=200, required=False)
    sender_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    sender_email = forms.EmailField(label=_("E-mail address"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(label=_("What is it about?"), widget=forms.Textarea)
    property = forms.ModelChoiceField(
        label=_("Property"), queryset=Property.objects.none(), required=False
    )
    address = forms.CharField(
        label=_("Address (when the property is not in the list)"),
        max_length=300,
        required=False,
    )
    location = forms.CharField(label=_("Location in the building"), max_length=200, required=False)
    attachments = MultipleFileField(
        label=_("Attachments"), help_text=_("Images, PDF, office documents or plain text.")
    )

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["property"].queryset = Property.objects.filter(organization=org)
        # Not every property in the select: the current one, the rest found by searching (or by
        # the address typed below, which intake matches to a property).
        limit_picker(self, "property", (), label=property_label)

    def clean(self):
        data = super().clean()
        if not any(data.get(k) for k in ("sender_name", "sender_phone", "sender_email")):
            raise forms.ValidationError(_("Enter who called: a name, phone or e-mail address."))
        return data
