"""Settings → Messages: administrators reword the e-mails Saksflyt sends, per kind and language,
preview them with sample values, and go back to the built-in wording."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from notifications import message_templates as templates
from notifications.messages import DEFAULTS, PLACEHOLDER_HELP
from notifications.models import OutboundMessage
from organizations.scoping import ADMIN_ROLES, org_view
from organizations.web import add_service_errors, is_htmx


class MessageTemplateForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=templates.SUBJECT_MAX)
    body_text = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=templates.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    body_html = forms.CharField(
        label=gettext_lazy("HTML"),
        required=False,
        max_length=templates.HTML_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Leave empty to make it from the text. Scripts, styles and event handlers are removed."
        ),
    )


def _kind_label(kind: str) -> str:
    return str(OutboundMessage.Kind(kind).label)


def _language_label(language: str) -> str:
    return dict(templates.languages())[language]


@org_view(roles=ADMIN_ROLES)
def template_list(request):
    rows = [
        (kind, _kind_label(kind), cells) for kind, cells in templates.template_overview(request.org)
    ]
    return render(
        request,
        "notifications/templates/list.html",
        {"rows": rows, "languages": templates.languages()},
    )


@org_view(roles=ADMIN_ROLES)
def template_edit(request, kind: str, language: str):
    if not templates.is_editable(kind, language):
        raise Http404
    org = request.org
    subject, text, html, customised = templates.template_current(org, kind, language)
    form = MessageTemplateForm(
        request.POST or None, initial={"subject": subject, "body_text": text, "body_html": html}
    )
    preview = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if request.POST.get("action") == "preview":
                with translation.override(language):
                    preview = templates.template_preview(
                        org=org, actor=request.user, kind=kind, language=language, **data
                    )
                unknown = templates.unknown_placeholders(kind, *data.values())
                if unknown:
                    form.add_error(None, templates.unknown_message(unknown))
            else:
                try:
                    templates.message_template_save(
                        org=org, actor=request.user, kind=kind, language=language, **data
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("The message is saved."))
                    return redirect(
                        "message_templates:edit", org_slug=org.slug, kind=kind, language=language
                    )
        if form.errors:
            status = 400 if is_htmx(request) else 200
    placeholders = [(name, PLACEHOLDER_HELP[name]) for name in DEFAULTS[kind].placeholders]
    return render(
        request,
        "notifications/templates/edit.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": _kind_label(kind),
            "language": language,
            "language_label": _language_label(language),
            "customised": customised,
            "placeholders": placeholders,
            "preview": preview,
        },
        status=status,
    )


@require_POST
@org_view(roles=ADMIN_ROLES)
def template_reset(request, kind: str, language: str):
    if not templates.is_editable(kind, language):
        raise Http404
    if templates.message_template_reset(
        org=request.org, actor=request.user, kind=kind, language=language
    ):
        messages.success(request, _("The message uses the built-in wording again."))
    return redirect(
        "message_templates:edit", org_slug=request.org.slug, kind=kind, language=language
    )
