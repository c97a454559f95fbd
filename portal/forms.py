"""The portal's forms. Errors are tied to their fields for screen readers (aria-invalid and
aria-describedby naming the error text, see `mark_invalid`)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.models import ResidentAccount


def mark_invalid(form: forms.BaseForm) -> None:
    """Point each field with an error at its message (`<id>_error`, rendered by
    portal/includes/field.html) and mark it invalid."""
    if not form.is_bound:
        return
    for name in form.errors:
        if name not in form.fields:
            continue
        bound = form[name]
        described = [f"{bound.auto_id}_error"]
        if form.fields[name].help_text:
            described.append(f"{bound.auto_id}_helptext")
        attrs = form.fields[name].widget.attrs
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = " ".join(described)


class LinkRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PasswordLoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RegisterForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PasswordSetForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        required=False,
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Optional: you can always sign in with a link sent by e-mail."),
    )
    repeat = forms.CharField(
        label=_("Repeat the new password"),
        required=False,
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ProfileForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        label=_("City"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("The organization's language")), *settings.LANGUAGES],
        required=False,
    )
    notify_by = forms.ChoiceField(
        label=_("Notify me by"),
        choices=ResidentAccount.Notify.choices,
        widget=forms.RadioSelect,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    files = MultipleFileField(
        label=_("Photos or documents"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        from django.template.defaultfilters import filesizeformat
        from django.utils.translation import gettext

        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = gettext(
            "Optional. Photos (JPEG, PNG, HEIC), PDF or text files, up to %(size)s each."
        ) % {"size": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}

    def clean_files(self):
        from cases.services.attachments import MAX_FILES_PER_UPLOAD, attachment_check

        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_FILES_PER_UPLOAD:
            raise forms.ValidationError(
                _("Add at most %(count)s files at a time.") % {"count": MAX_FILES_PER_UPLOAD}
            )
        for upload in files:
            attachment_check(upload)  # a ValidationError names the file and why
        return files

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("files") and not self.errors:
            self.add_error("text", _("Write a message or add a file."))
        return data
