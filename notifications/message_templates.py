"""Writes and reads for an organization's own message templates (settings → messages).

An administrator rewords a kind of message in one language; without a row the built-in default
of notifications/messages.py is used. Placeholders are checked against the kind's list, so a
typo is refused instead of reaching customers as "{{ custmer_name }}"; the HTML is sanitised
when saved (and again when rendered).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from notifications.messages import (
    DEFAULTS,
    EDITABLE_KINDS,
    Rendered,
    render,
    sanitise_html,
    template_for,
)
from notifications.models import MessageTemplate
from organizations.models import Organization, User

SUBJECT_MAX = 300
TEXT_MAX = 20_000
HTML_MAX = 100_000


def languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def is_editable(kind: str, language: str) -> bool:
    return kind in EDITABLE_KINDS and language in {code for code, _name in settings.LANGUAGES}


@dataclass(frozen=True)
class TemplateCell:
    kind: str
    language: str
    language_name: str
    customised: bool


def template_overview(org: Organization) -> list[tuple[str, list[TemplateCell]]]:
    """Each editable kind with, per language, whether the organization has its own wording
    (one query)."""
    own = set(MessageTemplate.objects.filter(organization=org).values_list("kind", "language"))
    return [
        (
            kind,
            [TemplateCell(kind, code, name, (kind, code) in own) for code, name in languages()],
        )
        for kind in EDITABLE_KINDS
    ]


def template_current(org: Organization, kind: str, language: str) -> tuple[str, str, str, bool]:
    """(subject, text, html, customised) to show in the editor."""
    own = MessageTemplate.objects.filter(organization=org, kind=kind, language=language).first()
    if own is not None:
        return own.subject, own.body_text, own.body_html, True
    subject, text, html = template_for(org, kind, language)
    return subject, text, html, False


# Anything written in double braces, so "{{ case.customer }}" is refused too (it is not a
# placeholder and would reach the recipient as typed).
BRACED = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.DOTALL)


def unknown_placeholders(kind: str, *texts: str) -> list[str]:
    allowed = set(DEFAULTS[kind].placeholders)
    found = {m.group(1)[:40] for text in texts for m in BRACED.finditer(text or "")}
    return sorted(found - allowed)


def unknown_message(names: list[str]) -> str:
    shown = ", ".join("{{ " + name + " }}" for name in names)
    return _("Unknown placeholder: %(names)s. Use one of the placeholders listed.") % {
        "names": shown
    }


def _check(kind: str, language: str, subject: str, body_text: str, body_html: str) -> None:
    if not is_editable(kind, language):
        raise ValidationError(_("This message cannot be changed."))
    errors: dict[str, list[str]] = {}
    if not subject.strip():
        errors.setdefault("subject", []).append(_("Write a subject."))
    if not body_text.strip():
        errors.setdefault("body_text", []).append(_("Write the text of the message."))
    for name, value, limit in (
        ("subject", subject, SUBJECT_MAX),
        ("body_text", body_text, TEXT_MAX),
        ("body_html", body_html, HTML_MAX),
    ):
        if len(value) > limit:
            errors.setdefault(name, []).append(_("At most %(max)s characters.") % {"max": limit})
        unknown = unknown_placeholders(kind, value)
        if unknown:
            errors.setdefault(name, []).append(unknown_message(unknown))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def message_template_save(
    *,
    org: Organization,
    actor: User,
    kind: str,
    language: str,
    subject: str,
    body_text: str,
    body_html: str = "",
) -> MessageTemplate:
    subject = " ".join((subject or "").split())
    body_text = (body_text or "").replace("\r\n", "\n").strip()
    body_html = (body_html or "").strip()
    _check(kind, language, subject, body_text, body_html)
    template, _created = MessageTemplate.objects.update_or_create(
        organization=org,
        kind=kind,
        language=language,
        defaults={
            "subject": subject,
            "body_text": body_text,
            "body_html": sanitise_html(body_html) if body_html else "",
        },
    )
    return template


@transaction.atomic
def message_template_reset(*, org: Organization, actor: User, kind: str, language: str) -> bool:
    """Back to the built-in wording; True if there was an own one."""
    deleted, _rows = MessageTemplate.objects.filter(
        organization=org, kind=kind, language=language
    ).delete()
    return bool(deleted)


def sample_values(org: Organization, actor: User) -> dict[str, str]:
    """Made-up values for the preview, in the active language."""
    return {
        "organization": org.name,
        "link": f"{settings.SITE_URL}/{org.slug}/cases/1234/",
        "case_number": "1234",
        "case_title": _("Dripping tap in the bathroom"),
        "customer_name": "Kari Nordmann",
        "supplier_name": _("Plumber Ltd"),
        "recipient_name": "Kari Nordmann",
        "actor_name": actor.get_full_name(),
        "message": _("Could you take a look at this before Friday?"),
        "subject": _("Dripping tap"),
        "task_title": _("Replace the gasket"),
        "resolution": _("The gasket was replaced and the tap no longer drips."),
    }


def template_preview(
    *,
    org: Organization,
    actor: User,
    kind: str,
    language: str,
    subject: str,
    body_text: str,
    body_html: str,
) -> Rendered:
    """How unsaved wording looks with sample values (and the organization's signature)."""
    return render(
        org=org,
        kind=kind,
        language=language,
        values=sample_values(org, actor),
        template=(subject or "", (body_text or "").replace("\r\n", "\n"), body_html or ""),
    )
