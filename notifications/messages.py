"""The wording of every message: built-in defaults per kind (translated), an organization's own
templates over them, and safe placeholders.

Placeholders are written `{{ case_number }}`. Only the names a kind offers are replaced, with
plain values (escaped in HTML): a template can neither reach an object's attributes nor run
code, unlike a Django template. Unknown names stay as typed, so a mistake shows in the preview.
An organization's HTML is sanitised with nh3; without HTML, it is made from the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3
from django.utils.html import escape, urlize
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from notifications.models import MessageTemplate, OutboundMessage
from organizations.models import Organization

Kind = OutboundMessage.Kind

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")

# What each placeholder means, shown next to the template editor.
PLACEHOLDER_HELP = {
    "organization": _("your organization's name"),
    "link": _("a link to the case or page"),
    "case_number": _("the case number"),
    "case_title": _("the case title"),
    "customer_name": _("the customer's name"),
    "supplier_name": _("the supplier's name"),
    "recipient_name": _("the recipient's name"),
    "actor_name": _("who did it"),
    "message": _("the text written"),
    "subject": _("the subject of the inquiry"),
    "task_title": _("the task"),
    "resolution": _("the resolution"),
}

_CASE = ("organization", "link", "case_number", "case_title", "customer_name")


@dataclass(frozen=True)
class Default:
    placeholders: tuple[str, ...]
    subject: str
    text: str


# The built-in wording. Subjects of case e-mails get the case token ([#1234]) from the caller.
DEFAULTS: dict[str, Default] = {
    Kind.CASE_CREATED: Default(
        _CASE,
        _("We have registered your case: {{ case_title }}"),
        _(
            "Hello {{ customer_name }},\n\nWe have registered your case {{ case_number }}, "
            "“{{ case_title }}”, and will get back to you.\n\nReply to this e-mail if you "
            "have anything to add.\n\nKind regards\n{{ organization }}"
        ),
    ),
    Kind.SUPPLIER_HANDOVER: Default(
        (*_CASE, "supplier_name", "message"),
        _("New job for you: {{ case_title }}"),
        _(
            "Hello {{ supplier_name }},\n\n{{ organization }} has handed case "
            "{{ case_number }}, “{{ case_title }}”, to you.\n\n{{ message }}\n\n"
            "See the case: {{ link }}\n\nKind regards\n{{ organization }}"
        ),
    ),
    Kind.REPLY: Default(
        (*_CASE, "message", "actor_name"),
        _("Re: {{ case_title }}"),
        _("{{ message }}"),
    ),
    Kind.CONFIRMATION: Default(
        ("organization", "customer_name", "subject"),
        _("We have received your inquiry: {{ subject }}"),
        _(
            "Hello {{ customer_name }},\n\nThank you for your inquiry “{{ subject }}”. We have "
            "received it and will get back to you.\n\nKind regards\n{{ organization }}"
        ),
    ),
    Kind.TASK_ASSIGNED: Default(
        (*_CASE, "task_title", "recipient_name", "actor_name"),
        _("Task for you: {{ task_title }}"),
        _(
            "Hello {{ recipient_name }},\n\n{{ actor_name }} gave you a task on case "
            "{{ case_number }}, “{{ case_title }}”:\n\n{{ task_title }}\n\n{{ link }}"
        ),
    ),
    Kind.MENTION: Default(
        (*_CASE, "recipient_name", "actor_name", "message"),
        _("{{ actor_name }} mentioned you on case {{ case_number }}"),
        _(
            "Hello {{ recipient_name }},\n\n{{ actor_name }} mentioned you in a note on case "
            "{{ case_number }}, “{{ case_title }}”:\n\n{{ message }}\n\n{{ link }}"
        ),
    ),
    Kind.CASE_RESOLVED: Default(
        (*_CASE, "resolution"),
        _("Your case is resolved: {{ case_title }}"),
        _(
            "Hello {{ customer_name }},\n\nYour case {{ case_number }}, “{{ case_title }}”, is "
            "resolved.\n\n{{ resolution }}\n\nReply to this e-mail if something is still not "
            "right.\n\nKind regards\n{{ organization }}"
        ),
    ),
    Kind.ASSIGNED: Default(
        (*_CASE, "recipient_name", "actor_name"),
        _("Case {{ case_number }} was given to you"),
        _(
            "Hello {{ recipient_name }},\n\n{{ actor_name }} gave you case {{ case_number }}, "
            "“{{ case_title }}”.\n\n{{ link }}"
        ),
    ),
    Kind.FORWARD: Default(
        (*_CASE, "message", "actor_name"),
        _("Fwd: {{ case_title }}"),
        _("{{ message }}"),
    ),
    Kind.INVITATION: Default(
        ("organization", "link", "recipient_name", "actor_name"),
        _("You are invited to {{ organization }} in Saksflyt"),
        _(
            "Hello {{ recipient_name }},\n\n{{ actor_name }} has invited you to "
            "{{ organization }} in Saksflyt.\n\nChoose your password here (the link works "
            "for a few days):\n{{ link }}"
        ),
    ),
    Kind.PASSWORD_RESET: Default(
        ("organization", "link", "recipient_name"),
        _("Choose a new password for Saksflyt"),
        _(
            "Hello {{ recipient_name }},\n\nSomeone asked to reset the password of your "
            "Saksflyt account. If it was you, choose a new one here:\n{{ link }}\n\n"
            "If not, ignore this e-mail; your password stays as it is."
        ),
    ),
    Kind.SERVICE_LEVEL: Default(
        (*_CASE, "recipient_name", "message"),
        _("Service level: case {{ case_number }}"),
        _("Hello {{ recipient_name }},\n\n{{ message }}\n\n{{ link }}"),
    ),
    Kind.TASK_DONE: Default(
        (*_CASE, "task_title", "recipient_name", "actor_name", "message"),
        _("Task done on case {{ case_number }}: {{ task_title }}"),
        _(
            "Hello {{ recipient_name }},\n\n{{ actor_name }} completed the task "
            "“{{ task_title }}” on case {{ case_number }}, “{{ case_title }}”.\n\n"
            "{{ message }}\n\n{{ link }}"
        ),
    ),
}

# The messages an organization's administrators may reword (settings → message templates).
EDITABLE_KINDS = (
    Kind.CASE_CREATED,
    Kind.SUPPLIER_HANDOVER,
    Kind.REPLY,
    Kind.CONFIRMATION,
    Kind.TASK_ASSIGNED,
    Kind.MENTION,
    Kind.CASE_RESOLVED,
)

# Messages to customers and suppliers carry the organization's signature; messages to staff do
# not (they come from the system, not from the organization to the outside).
SIGNED_KINDS = {
    Kind.CASE_CREATED,
    Kind.SUPPLIER_HANDOVER,
    Kind.REPLY,
    Kind.CONFIRMATION,
    Kind.CASE_RESOLVED,
    Kind.FORWARD,
}

ALLOWED_HTML_TAGS = {
    "a",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "blockquote",
    "span",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "hr",
    "img",
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def sanitise_html(html: str) -> str:
    """Only harmless markup: no script, style, event handler or javascript: URL survives."""
    return nh3.clean(
        html,
        tags=ALLOWED_HTML_TAGS,
        attributes={"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}},
        url_schemes={"http", "https", "mailto", "tel", "cid", "data"},
        link_rel="noopener noreferrer",
    )


def substitute(
    template: str, values: dict[str, str], allowed: tuple[str, ...], *, html: bool
) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in allowed:
            return match.group(0)
        value = str(values.get(name) or "")
        return escape(value).replace("\n", "<br>\n") if html else value

    return PLACEHOLDER.sub(replace, template)


def text_to_html(text: str) -> str:
    """Paragraphs and line breaks of escaped text, links made clickable."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "\n".join(
        "<p>" + urlize(escape(p), nofollow=True, autoescape=False).replace("\n", "<br>\n") + "</p>"
        for p in paragraphs
    )


def template_for(org: Organization, kind: str, language: str) -> tuple[str, str, str]:
    """(subject, text, html) to fill in: the organization's own, else the default in
    `language` ("" html: made from the text)."""
    if kind in EDITABLE_KINDS:
        own = MessageTemplate.objects.filter(organization=org, kind=kind, language=language).first()
        if own is not None:
            return own.subject, own.body_text, own.body_html
    default = DEFAULTS[kind]
    with override(language):
        return str(default.subject), str(default.text), ""


def render(
    *,
    org: Organization,
    kind: str,
    language: str,
    values: dict[str, str],
    template: tuple[str, str, str] | None = None,
) -> Rendered:
    """The subject, text and HTML of one message. `template` renders unsaved wording (the
    editor's preview)."""
    allowed = DEFAULTS[kind].placeholders
    values = {"organization": org.name, **values}
    subject_t, text_t, html_t = template or template_for(org, kind, language)
    subject = " ".join(substitute(subject_t, values, allowed, html=False).split())[:300]
    text = substitute(text_t, values, allowed, html=False).strip()
    if html_t.strip():
        html = sanitise_html(substitute(html_t, values, allowed, html=True))
    else:
        html = text_to_html(text)
    signature = (org.email_signature or "").strip()
    if signature and kind in SIGNED_KINDS:
        text = f"{text}\n\n-- \n{signature}"
        html = f'{html}\n<p style="color:#555">{escape(signature).replace(chr(10), "<br>")}</p>'
    return Rendered(subject=subject, text=text, html=html)


def language_for(org: Organization, preferred: str | None) -> str:
    """The recipient's language when Saksflyt speaks it, else the organization's."""
    from django.conf import settings

    codes = {code for code, _name in settings.LANGUAGES}
    return preferred if preferred in codes else org.default_language
