"""Forms of the case page's panels: the composer, tasks, files, time and tags."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from customers.models import Supplier
from organizations.forms import MultipleFileField, MultipleFileInput
from organizations.models import Organization, User
from organizations.scoping import for_org
from organizations.selectors import staff_members

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

ACCEPT = (
    "image/jpeg,image/png,image/gif,image/webp,image/heic,.heic,.pdf,.docx,.xlsx,.odt,.txt,.csv"
)


def _files_help() -> str:
    return _(
        "Images, PDF, Word, Excel, OpenDocument text, plain text or CSV; up to %(max)s each."
    ) % {"max": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}


class AttachmentField(MultipleFileField):
    """Files for a case, note or task; checked by content in the attachment service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("help_text", lazy(_files_help, str)())
        super().__init__(*args, **kwargs)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only your colleagues see internal notes. Type @ to mention someone."),
    )
    files = AttachmentField(label=_("Attach files"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("files"):
            self.add_error("body", _("Write a note or attach a file."))
        return data


class AttachmentForm(forms.Form):
    files = AttachmentField(label=_("Files"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "attach")
        super().__init__(*args, **kwargs)

    def clean_files(self):
        files = self.cleaned_data["files"]
        if not files:
            raise ValidationError(_("Choose at least one file."))
        return files


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    assignee = forms.ModelChoiceField(
        label=_("Colleague"), queryset=User.objects.none(), required=False
    )
    supplier = forms.ModelChoiceField(
        label=_("or supplier"), queryset=Supplier.objects.none(), required=False
    )
    due_date = forms.DateField(label=_("Due"), required=False, widget=DATE_INPUT)
    files = AttachmentField(label=_("Attach files"))

    def __init__(self, *args, org: Organization, **kwargs):
        kwargs.setdefault("prefix", "task")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_members(org)
        self.fields["assignee"].empty_label = _("Nobody")
        self.fields["supplier"].queryset = for_org(Supplier, org).filter(is_active=True)
        self.fields["supplier"].empty_label = _("No supplier")

    def clean(self):
        data = super().clean()
        if data.get("assignee") and data.get("supplier"):
            raise ValidationError(_("Give the task to a colleague or to a supplier, not both."))
        return data


class TaskCompleteForm(forms.Form):
    completion_note = forms.CharField(
        label=_("What was done?"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    files = AttachmentField(label=_("Documentation (photos, reports)"))

    def __init__(self, *args, task_id: int | None = None, **kwargs):
        kwargs.setdefault("prefix", f"done{task_id}" if task_id else "done")
        super().__init__(*args, **kwargs)


DURATION_FORMS = (
    (re.compile(r"^(\d{1,4})\s*(?:m|min)?$"), lambda m: int(m[1])),
    (re.compile(r"^(\d{1,2}):([0-5]\d)$"), lambda m: int(m[1]) * 60 + int(m[2])),
    (re.compile(r"^(\d{1,2})\s*[ht]$"), lambda m: int(m[1]) * 60),
    (
        re.compile(r"^(\d{1,2})\s*[ht]\s*(\d{1,2})\s*(?:m|min)?$"),
        lambda m: int(m[1]) * 60 + int(m[2]),
    ),
)


def parse_duration(text: str) -> int | None:
    """Minutes from "45", "45 min", "1:30", "2h", "2t" or "1h 30m"; None if not understood."""
    text = (text or "").strip().lower()
    for pattern, minutes in DURATION_FORMS:
        match = pattern.match(text)
        if match:
            return minutes(match)
    return None


class TimeEntryForm(forms.Form):
    duration = forms.CharField(
        label=_("Time spent"),
        max_length=20,
        help_text=_("Minutes, or hours and minutes like 1:30."),
        widget=forms.TextInput(attrs={"inputmode": "text", "size": 8}),
    )
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    note = forms.CharField(label=_("What was done?"), max_length=300, required=False)
    user = forms.ModelChoiceField(label=_("Who"), queryset=User.objects.none())

    def __init__(self, *args, org: Organization, **kwargs):
        kwargs.setdefault("prefix", "time")
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_members(org)
        self.fields["date"].initial = timezone.localdate

    def clean_duration(self) -> int:
        minutes = parse_duration(self.cleaned_data["duration"])
        if not minutes or minutes > 24 * 60:
            raise ValidationError(_("Enter between 1 minute and 24 hours, e.g. 45 or 1:30."))
        return minutes


class TagForm(forms.Form):
    name = forms.CharField(
        label=_("Add a tag"),
        max_length=50,
        widget=forms.TextInput(attrs={"list": "org-tags", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "tag")
        super().__init__(*args, **kwargs)
