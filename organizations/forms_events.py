"""Forms of the events pages: the filters of the organization's events and the Events tab
switches (Settings → Modules)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from organizations.models_audit import EVENT_TAB_DEFAULTS, AuditModule
from organizations.selectors_audit import EventFilter, event_actors
from organizations.web import parse_id


class EventFilterForm(forms.Form):
    module = forms.ChoiceField(label=_("Module"), required=False)
    user = forms.ChoiceField(label=_("User"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [("", _("All modules")), *AuditModule.choices]
        self.fields["user"].choices = [
            ("", _("Everyone")),
            *((str(user.pk), str(user)) for user in event_actors(org)),
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return cleaned

    def filters(self) -> EventFilter:
        """The filters (call after is_valid())."""
        data = self.cleaned_data
        return EventFilter(
            module=data.get("module") or "",
            actor_id=parse_id(data.get("user") or ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class EventTabsForm(forms.Form):
    """One checkbox per module that has object pages."""

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(AuditModule.choices)
        for module in EVENT_TAB_DEFAULTS:
            self.fields[module] = forms.BooleanField(
                label=labels[module], required=False, initial=org.events_enabled(module)
            )
