"""The composer's outgoing messages: a reply to the customer (e-mail, SMS or both) and a forward
to an external contact. Addresses are checked by the service (the outbox's own rules), whose
errors land next to these fields."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Attachment
from cases.services.messages import Outgoing

TEXT_MAX = 20_000  # a long letter; far beyond what anyone types, short of abuse


class CaseFilesField(forms.TypedMultipleChoiceField):
    """Files of the case to attach: checkboxes of the case's attachments."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(coerce=int, required=False, **kwargs)


class _MessageForm(forms.Form):
    def __init__(self, *args, attachments: Sequence[Attachment] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.case_files = {a.pk: a for a in attachments}
        self.fields["attachments"].choices = [(a.pk, a.original_name) for a in attachments]
        self.fields["attachments"].error_messages["invalid_choice"] = _(
            "Choose files that belong to this case."
        )

    def chosen_files(self) -> list[Attachment]:
        return [self.case_files[pk] for pk in self.cleaned_data.get("attachments") or []]


class ReplyForm(_MessageForm):
    send_email = forms.BooleanField(label=_("E-mail"), required=False)
    email = forms.CharField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    send_sms = forms.BooleanField(label=_("SMS"), required=False)
    phone = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    subject = forms.CharField(
        label=_("Subject"),
        required=False,
        max_length=250,
        help_text=_("E-mail only. The case number is added so answers find the case."),
    )
    text = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The customer receives this. Your organization's signature is added."),
    )
    attachments = CaseFilesField(label=_("Attach files of the case (e-mail only)"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "reply")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not (data.get("send_email") or data.get("send_sms")):
            self.add_error("send_email", _("Choose e-mail, SMS or both."))
        if data.get("send_email") and not (data.get("email") or "").strip():
            self.add_error("email", _("Give the e-mail address."))
        if data.get("send_sms") and not (data.get("phone") or "").strip():
            self.add_error("phone", _("Give the mobile number."))
        if not (data.get("text") or "").strip():
            self.add_error("text", _("Write the message."))
        if data.get("attachments") and not data.get("send_email"):
            self.add_error("attachments", _("Files can only be sent by e-mail."))
        return data

    def outgoing(self, name: str = "") -> Outgoing:
        data = self.cleaned_data
        return Outgoing(
            text=data["text"],
            email=data["email"] if data.get("send_email") else "",
            phone=data["phone"] if data.get("send_sms") else "",
            name=name,
            subject=data.get("subject", ""),
            attachments=self.chosen_files(),
        )


class ForwardForm(_MessageForm):
    email = forms.CharField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    subject = forms.CharField(label=_("Subject"), required=False, max_length=250)
    text = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Goes to the external contact with the files you choose."),
    )
    attachments = CaseFilesField(label=_("Attach files of the case"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "forward")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not (data.get("email") or "").strip():
            self.add_error("email", _("Give the e-mail address to forward to."))
        if not (data.get("text") or "").strip():
            self.add_error("text", _("Write the message."))
        return data

    def outgoing(self) -> Outgoing:
        data = self.cleaned_data
        return Outgoing(
            text=data["text"],
            email=data["email"],
            name=data.get("name", ""),
            subject=data.get("subject", ""),
            attachments=self.chosen_files(),
        )
