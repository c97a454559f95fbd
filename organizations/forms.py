from __future__ import annotations

import functools
import zoneinfo

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from organizations.account_email import (
    PASSWORD_RESET,
    home_organization,
    send_account_email,
    set_password_link,
)
from organizations.models import LANGUAGE_CHOICES, Membership, Organization, Team, User
from organizations.selectors import active_members


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    remember_me = forms.BooleanField(label=_("Remember me"), required=False)

    error_messages = {
        "invalid_login": _("Wrong e-mail address or password. The password is case-sensitive."),
        "inactive": _("This account is inactive."),
    }


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's password reset, but the e-mail goes through the outbox of the user's
    organization, in their language, with a link built from settings.SITE_URL (not from the
    request's Host header)."""

    def get_users(self, email):
        # Invited members who never chose a password (unusable password) may ask again once
        # their invitation link has run out.
        return User.objects.filter(email__iexact=email, is_active=True)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        user = context["user"]
        send_account_email(
            kind=PASSWORD_RESET,
            org=home_organization(user),
            user=user,
            link=set_password_link(user),
        )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    next = forms.CharField(required=False)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.CASEWORKER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "members"]
        widgets = {"members": forms.CheckboxSelectMultiple}

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = active_members(org)


TIME_ZONE_AREAS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    """The IANA zones by region ("Europe/Oslo"), plus UTC; not the legacy aliases."""
    zones = sorted(
        z for z in zoneinfo.available_timezones() if z.split("/", 1)[0] in TIME_ZONE_AREAS
    )
    return [("UTC", "UTC"), *((z, z.replace("_", " ")) for z in zones)]


class OrganizationSettingsForm(forms.Form):
    """The organization's own settings; organization_update checks and stores them."""

    # Labels as a ModelForm makes them from the model's verbose names.
    name = forms.CharField(label=capfirst(_("name")), max_length=200)
    default_language = forms.ChoiceField(label=capfirst(_("default language")))
    # A list, not free text (issue 14): a typo cannot reach the model's validator.
    time_zone = forms.ChoiceField(label=capfirst(_("time zone")))
    brand_color = forms.CharField(
        label=capfirst(_("brand colour")),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    logo = forms.FileField(
        label=capfirst(_("logo")),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, at most 2 MB. Shown on your web form."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    email_signature = forms.CharField(
        label=capfirst(_("e-mail signature")),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Added below every e-mail the organization sends to customers and suppliers."),
    )

    def __init__(self, *args, org: Organization, **kwargs):
        initial = {
            "name": org.name,
            "default_language": org.default_language,
            "time_zone": org.time_zone,
            "brand_color": org.brand_color,
            "email_signature": org.email_signature,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["default_language"].choices = Organization._meta.get_field(
            "default_language"
        ).choices
        zones = time_zone_choices()
        if org.time_zone not in dict(zones):  # a zone saved before the list (an alias) stays
            zones = [(org.time_zone, org.time_zone), *zones]
        self.fields["time_zone"].choices = zones
        if not org.logo:
            del self.fields["remove_logo"]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files in one input. Their content is checked by the service that stores
    them; here only the count (when `max_files` is given)."""

    def __init__(self, *args, max_files: int | None = None, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        self.max_files = max_files
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data]
        clean_one = super().clean
        files = [clean_one(item, initial) for item in items if item]
        if self.max_files is not None and len(files) > self.max_files:
            raise forms.ValidationError(
                _("Attach at most %(count)d files.") % {"count": self.max_files}
            )
        return files


EMAIL_CHOICES = [
    ("email", _("E-mail me at once, and show it in the app")),
    ("app", _("Only show it in the app")),
]


class NotificationPreferencesForm(forms.Form):
    """How a member hears of mentions, cases and tasks given to them: the bell always, and an
    e-mail at once if they choose it."""

    mentions = forms.ChoiceField(
        label=_("When someone mentions me in a note"),
        choices=EMAIL_CHOICES,
        widget=forms.RadioSelect,
    )
    assignments = forms.ChoiceField(
        label=_("When a case is given to me"), choices=EMAIL_CHOICES, widget=forms.RadioSelect
    )
    tasks = forms.ChoiceField(
        label=_("When a task is given to me"), choices=EMAIL_CHOICES, widget=forms.RadioSelect
    )
    service_levels = forms.ChoiceField(
        label=_("When a case of mine is at risk of missing its response or resolution time"),
        choices=EMAIL_CHOICES,
        widget=forms.RadioSelect,
    )

    FIELDS = {
        "mentions": "notify_mentions_by_email",
        "assignments": "notify_assignments_by_email",
        "tasks": "notify_tasks_by_email",
        "service_levels": "notify_service_levels_by_email",
    }

    def __init__(self, *args, user, **kwargs):
        initial = {
            name: "email" if getattr(user, attr) else "app" for name, attr in self.FIELDS.items()
        }
        super().__init__(*args, initial=initial, **kwargs)

    def as_preferences(self) -> dict[str, bool]:
        return {attr: self.cleaned_data[name] == "email" for name, attr in self.FIELDS.items()}
