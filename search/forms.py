"""The search page's filters, from the query string."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.web import SEARCH_MAX_LENGTH


class SearchForm(forms.Form):
    KIND_CHOICES = [
        ("", _("Everything")),
        ("cases", _("Cases")),
        ("inquiries", _("Inquiries")),
        ("customers", _("Customers")),
        ("properties", _("Properties")),
        ("containers", _("Containers")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)
    kind = forms.ChoiceField(label=_("Show"), choices=KIND_CHOICES, required=False)
    open = forms.BooleanField(label=_("Open cases only"), required=False)
