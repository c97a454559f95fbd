"""The fixed set of optional fields an inquiry form can ask, and the check of a form's `fields`.

Admins choose per form which of these fields residents see (hidden / optional / required) and
may replace the help text; the description (what the inquiry is about) is always asked. The
registry is code, not data: every field here is one the portal's form and `inquiry_receive`
know how to handle, so the editor never offers a field the code does not do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HIDDEN, OPTIONAL, REQUIRED = "hidden", "optional", "required"
MODES = (HIDDEN, OPTIONAL, REQUIRED)
MODE_CHOICES = [
    (HIDDEN, gettext_lazy("Not asked")),
    (OPTIONAL, gettext_lazy("Optional")),
    (REQUIRED, gettext_lazy("Required")),
]
HELP_MAX = 300
MESSAGE_MAX = 5000


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Promise
    help: Promise
    # What a new form starts with.
    default_mode: str


FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec(
            "subject",
            gettext_lazy("Short summary"),
            gettext_lazy("A few words, for example “Leaking tap in the kitchen”."),
            HIDDEN,
        ),
        FieldSpec(
            "property",
            gettext_lazy("Which home is it about?"),
            gettext_lazy("Choose one of your homes, or type the address."),
            OPTIONAL,
        ),
        FieldSpec(
            "location",
            gettext_lazy("Where in the building?"),
            gettext_lazy("For example kitchen, bathroom, stairwell or basement storage."),
            OPTIONAL,
        ),
        FieldSpec(
            "phone",
            gettext_lazy("Phone"),
            gettext_lazy("So we can call you if we have questions."),
            OPTIONAL,
        ),
        FieldSpec(
            "access",
            gettext_lazy("Access and when to come"),
            gettext_lazy("When you are at home, a key box, pets we should know about."),
            HIDDEN,
        ),
        FieldSpec(
            "attachments",
            gettext_lazy("Photos and documents"),
            gettext_lazy("Photos (also from an iPhone), PDF or office documents."),
            OPTIONAL,
        ),
    )
}


def default_fields() -> dict[str, dict[str, str]]:
    """The `fields` of a new form: each field in its default mode, the built-in help."""
    return {name: {"mode": spec.default_mode, "help": ""} for name, spec in FIELDS.items()}


def fields_clean(raw: Any) -> dict[str, dict[str, str]]:
    """`raw` as a valid `InquiryForm.fields` value, or ValidationError under "fields".

    Every registry field gets an entry (missing ones hidden); unknown names, unknown modes and
    help texts longer than HELP_MAX are refused."""
    if not isinstance(raw, dict):
        raise ValidationError({"fields": _("The form's fields could not be read.")})
    errors = []
    unknown = sorted(str(name) for name in raw if name not in FIELDS)
    if unknown:
        errors.append(_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)[:200]})
    cleaned: dict[str, dict[str, str]] = {}
    for name, spec in FIELDS.items():
        entry = raw.get(name, {"mode": HIDDEN})
        if not isinstance(entry, dict):
            errors.append(_("“%(field)s” could not be read.") % {"field": spec.label})
            continue
        mode = entry.get("mode", HIDDEN)
        help_text = entry.get("help", "")
        if mode not in MODES:
            errors.append(_("Choose how “%(field)s” is asked.") % {"field": spec.label})
        if not isinstance(help_text, str):
            help_text = ""
        help_text = " ".join(help_text.split())
        if len(help_text) > HELP_MAX:
            errors.append(
                _("Keep the help text of “%(field)s” under %(max)s characters.")
                % {"field": spec.label, "max": HELP_MAX}
            )
        cleaned[name] = {"mode": mode, "help": help_text}
    if errors:
        raise ValidationError({"fields": errors})
    return cleaned


@dataclass(frozen=True)
class AskedField:
    """One registry field as a given form asks it."""

    name: str
    label: Promise
    help: str
    required: bool


def asked_fields(fields: Any) -> dict[str, AskedField]:
    """The fields a form's `fields` JSON asks (hidden ones left out), in registry order, with
    the admin's help text or else the built-in one. Tolerant of stored values that no longer
    pass `fields_clean`: what cannot be read is not asked."""
    fields = fields if isinstance(fields, dict) else {}
    asked = {}
    for name, spec in FIELDS.items():
        entry = fields.get(name)
        mode = entry.get("mode") if isinstance(entry, dict) else HIDDEN
        if mode not in (OPTIONAL, REQUIRED):
            continue
        help_text = entry.get("help") if isinstance(entry.get("help"), str) else ""
        asked[name] = AskedField(
            name=name, label=spec.label, help=help_text or str(spec.help), required=mode == REQUIRED
        )
    return asked
