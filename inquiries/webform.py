"""The hosted web form at /form/<org_slug>/: residents send an inquiry from the organization's
website, as a page of its own or embedded in an <iframe> (seed 002, "Formulär på hemsida").

No CSRF token, on purpose. CSRF stops a forged request from borrowing the victim's session; this
form is anonymous and acts with no one's authority, so a forged submission can do nothing that
posting the form directly could not. And inside a third-party <iframe> browsers withhold our
SameSite=Lax CSRF cookie, so a token would block every genuine submission. The abuse that does
matter, spam, is met instead by a honeypot field, a per-IP rate limit and a signed, timestamped
token that binds the submission to a form this organization served within the last day.
"""

from __future__ import annotations

import time

from csp.decorators import csp_replace
from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt

from inquiries.models import Channel
from inquiries.services.files import MAX_FILES
from inquiries.services.intake import inquiry_receive
from organizations import tenancy
from organizations.forms import MultipleFileField
from organizations.http import client_ip
from organizations.models import Organization

LANGUAGES = {code for code, _name in settings.LANGUAGES}
TOKEN_SALT = "inquiries.webform"
TOKEN_MIN_AGE = 2  # seconds: faster than any person fills in a form
TOKEN_MAX_AGE = 24 * 60 * 60
HONEYPOT = "website"


def form_token(org: Organization, *, issued_at: float | None = None) -> str:
    issued = int(time.time() if issued_at is None else issued_at)
    return signing.dumps({"org": org.pk, "t": issued}, salt=TOKEN_SALT, compress=True)


def _token_problem(org: Organization, token: str) -> str:
    """Why the form's token is refused: "" (it is fine), "early", "expired" or "invalid"."""
    try:
        payload = signing.loads(token or "", salt=TOKEN_SALT)
        age = time.time() - int(payload["t"])
        if payload["org"] != org.pk:
            return "invalid"
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return "invalid"
    if age < TOKEN_MIN_AGE:
        return "early"
    if age > TOKEN_MAX_AGE:
        return "expired"
    return ""


def _refusal(problem: str) -> str:
    """What to tell a person whose entries are fine but whose form the spam check refused."""
    if problem == "expired":
        return _(
            "This form was open for more than a day, so it could not be accepted (a check "
            "against spam). Your entries are kept below: press Send again."
        )
    if problem == "early":
        return _(
            "The form was sent faster than a person can fill it in, so it could not be "
            "accepted (a check against spam). Your entries are kept below: press Send again."
        )
    return _(
        "The form could not be checked against spam (it may have been copied or changed). "
        "Your entries are kept below: press Send again."
    )


def _ask_for_files_again(form: forms.Form, request) -> None:
    """A form shown again cannot keep its chosen files (browsers forget them): say so on the
    attachments field, naming each file, unless that field already reports a problem."""
    names = [f.name for f in request.FILES.getlist("attachments")]
    if not names or "attachments" in form.errors:
        return
    form.add_error(
        "attachments",
        ngettext(
            "Choose %(names)s again: a form shown again cannot keep its files.",
            "Choose these files again: %(names)s. A form shown again cannot keep its files.",
            len(names),
        )
        % {"names": ", ".join(f"“{name}”" for name in names)},
    )


class WebInquiryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=200, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=32, required=False)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200, required=False)
    message = forms.CharField(
        label=gettext_lazy("What is it about?"), widget=forms.Textarea(attrs={"rows": 6})
    )
    address = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("The address the inquiry is about."),
    )
    location = forms.CharField(
        label=gettext_lazy("Where in the building?"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("E.g. kitchen, bathroom, stairwell."),
    )
    attachments = MultipleFileField(
        label=gettext_lazy("Pictures or documents"),
        max_files=MAX_FILES,
        help_text=gettext_lazy("Images, PDF, office documents or plain text."),
    )
    # The honeypot: hidden from people, filled in by bots.
    website = forms.CharField(label=gettext_lazy("Leave this field empty"), required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone") and "email" not in self.errors:
            self.add_error(
                "email", _("Give an e-mail address or a phone number so we can reply to you.")
            )
        return data


def _language(request, org: Organization) -> str:
    lang = request.GET.get("lang", "")
    return lang if lang in LANGUAGES else org.default_language


def _rate_limited(request) -> bool:
    """Count this submission for the sender's IP address; True when over the hourly limit."""
    ip = client_ip(request) or "unknown"  # the visitor's, not the proxy's (TRUSTED_PROXY_COUNT)
    key = f"webform:ip:{ip}:{int(time.time() // 3600)}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > settings.WEBFORM_RATE_LIMIT_PER_HOUR


def _render(request, org: Organization, form: WebInquiryForm, lang: str, status: int = 200):
    form.data = form.data.copy() if form.is_bound else form.data
    if form.is_bound:
        form.data["token"] = form_token(org)
    else:
        form.initial["token"] = form_token(org)
    context = {"org": org, "form": form, "lang": lang, "action": request.get_full_path()}
    return render(request, "inquiries/webform/form.html", context, status=status)


def _add_service_errors(form: WebInquiryForm, exc: ValidationError) -> None:
    """Show inquiry_receive's errors on the matching fields (sender_email → email...)."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, messages in errors.items():
        name = (field or "").removeprefix("sender_")
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


# Embeddable in any site's <iframe>: no X-Frame-Options, and CSP frame-ancestors allows any page.
EMBEDDABLE = csp_replace({"frame-ancestors": ["*"]})


@csrf_exempt
@xframe_options_exempt
@EMBEDDABLE
def webform(request, org_slug: str):
    org = get_object_or_404(Organization, slug=org_slug)
    tenancy.activate(org)  # for the rest of the request
    lang = _language(request, org)
    translation.activate(lang)
    request.LANGUAGE_CODE = lang
    if request.method != "POST":
        return _render(request, org, WebInquiryForm(), lang)

    form = WebInquiryForm(request.POST, request.FILES)
    if _rate_limited(request):
        form.is_valid()
        form.add_error(None, _("Too many messages from your network. Try again in an hour."))
        _ask_for_files_again(form, request)
        return _render(request, org, form, lang, status=429)
    thanks = reverse("inquiry_webform_thanks", kwargs={"org_slug": org.slug}) + f"?lang={lang}"
    if request.POST.get(HONEYPOT):
        return redirect(thanks)  # a bot: looks like success, stores nothing
    if not form.is_valid():
        _ask_for_files_again(form, request)
        return _render(request, org, form, lang)
    problem = _token_problem(org, form.cleaned_data["token"])
    if problem:
        form.add_error(None, _refusal(problem))
        _ask_for_files_again(form, request)
        return _render(request, org, form, lang)
    data = form.cleaned_data
    try:
        inquiry_receive(
            org=org,
            channel=Channel.WEB_FORM,
            sender_name=data["name"],
            sender_email=data["email"],
            sender_phone=data["phone"],
            subject=data["subject"],
            message=data["message"],
            address=data["address"],
            location=data["location"],
            attachments=data["attachments"],
            raw_payload={"user_agent": request.headers.get("User-Agent", "")[:300]},
        )
    except ValidationError as exc:
        _add_service_errors(form, exc)
        _ask_for_files_again(form, request)
        return _render(request, org, form, lang)
    return redirect(thanks)


@xframe_options_exempt
@EMBEDDABLE
def webform_thanks(request, org_slug: str):
    org = get_object_or_404(Organization, slug=org_slug)
    tenancy.activate(org)
    lang = _language(request, org)
    translation.activate(lang)
    request.LANGUAGE_CODE = lang
    form_url = reverse("inquiry_webform", kwargs={"org_slug": org.slug}) + f"?lang={lang}"
    return render(
        request, "inquiries/webform/thanks.html", {"org": org, "lang": lang, "form_url": form_url}
    )
