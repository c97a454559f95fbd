"""Settings → API keys: admins create and revoke the keys outside systems use (seed 002)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.models import ApiKey
from organizations.scoping import ADMIN_ROLES, get_for_org_or_404, org_view
from organizations.services_api_keys import api_key_create, api_key_list, api_key_revoke
from organizations.site import site_url

# What the copy-paste example sends: the public field names of POST /api/v1/inquiries/, with a
# sender and address of the page's language (the texts are translated).
EXAMPLE_PEOPLE = {
    "nb": ("Kari Nordmann", "kari@example.com", "+47 912 34 567", "Storgata 1, 0155 Oslo"),
    "sv": ("Anna Svensson", "anna@example.com", "+46 70 123 45 67", "Storgatan 1, Stockholm"),
    "da": ("Mette Hansen", "mette@example.com", "+45 20 12 34 56", "Nørregade 1, København"),
    "en": ("Kari Nordmann", "kari@example.com", "+47 912 34 567", "Storgata 1, 0155 Oslo"),
}


def example_body() -> dict:
    name, email, phone, address = EXAMPLE_PEOPLE.get(
        (get_language() or "en")[:2], EXAMPLE_PEOPLE["en"]
    )
    return {
        "name": name,
        "email": email,
        "phone": phone,
        "subject": _("Dripping tap"),
        "message": _("The kitchen tap has been dripping since Monday."),
        "address": address,
        "location": _("Kitchen"),
        "external_reference": "WEB-1001",
    }


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=ApiKey._meta.get_field("name").max_length,
        help_text=gettext_lazy("What uses the key, e.g. “Website form” or “ERP integration”."),
    )


def _curl_example(base_url: str, secret: str | None) -> str:
    url = base_url + reverse("api:inquiry_create")
    body = json.dumps(example_body(), ensure_ascii=False, indent=2)
    return (
        f"curl -X POST {url} \\\n"
        f'  -H "Authorization: Api-Key {secret or "<your API key>"}" \\\n'
        '  -H "Content-Type: application/json" \\\n'
        '  -H "Idempotency-Key: WEB-1001" \\\n'
        f"  -d '{body}'"
    )


def _page(request, form: ApiKeyForm, *, new_key: ApiKey | None = None, secret: str = ""):
    base_url = site_url(request)
    form_url = base_url + reverse("inquiry_webform", kwargs={"org_slug": request.org.slug})
    context = {
        "form": form,
        "api_keys": api_key_list(request.org),
        "new_key": new_key,
        "secret": secret,
        "curl_example": _curl_example(base_url, secret or None),
        "docs_url": reverse("api:docs"),
        "schema_url": reverse("api:schema"),
        "webform_url": form_url,
        # Text for the admin to copy: its attribute values escaped (an organization name may
        # hold quotes); a plain str, so the template escapes the whole of it for display.
        "iframe_example": (
            f'<iframe src="{escape(form_url)}" title="{escape(request.org.name)}" '
            'style="width:100%;min-height:60rem;border:0"></iframe>'
        ),
    }
    return render(request, "organizations/settings/api_keys.html", context)


@org_view(roles=ADMIN_ROLES)
def api_keys(request):
    if request.method != "POST":
        return _page(request, ApiKeyForm())
    form = ApiKeyForm(request.POST)
    if form.is_valid():
        try:
            api_key, secret = api_key_create(
                org=request.org, actor=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("name", message)
        else:
            # Rendered, not redirected: the secret is never stored, so it can only be shown now.
            return _page(request, ApiKeyForm(), new_key=api_key, secret=secret)
    return _page(request, form)


@require_POST
@org_view(roles=ADMIN_ROLES)
def api_key_revoke_view(request, api_key_id: int):
    api_key = get_for_org_or_404(ApiKey, request.org, pk=api_key_id)
    api_key_revoke(org=request.org, actor=request.user, api_key=api_key)
    messages.success(request, _("The API key “%(name)s” no longer works.") % {"name": api_key.name})
    return redirect("organizations:api_keys", org_slug=request.org.slug)
