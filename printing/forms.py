from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from printing.formats import FORMAT_CHOICES
from printing.services.case_pdf import CUSTOMER, STAFF


class CasePrintForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Who is the printout for?"),
        choices=[
            (CUSTOMER, _("The customer (never contains internal notes)")),
            (STAFF, _("Internal use")),
        ],
        initial=CUSTOMER,
        widget=forms.RadioSelect,
    )
    include_notes = forms.BooleanField(
        label=_("Include internal notes (internal use only)"), required=False
    )


class PrintSettingsForm(forms.Form):
    label_format = forms.ChoiceField(
        label=_("Label format"),
        choices=FORMAT_CHOICES,
        widget=forms.RadioSelect,
        help_text=_("The sheet or label printer container labels are printed for."),
    )
