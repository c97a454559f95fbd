"""POST /api/v1/inquiries/ fields. The names are a PUBLIC CONTRACT: add, never rename or remove."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.api.serializers import StrictCharField, StrictEmailField
from inquiries.services.files import MAX_FILES

# Public field name → inquiry_receive's parameter name.
RECEIVE_ARGUMENTS = {
    "name": "sender_name",
    "email": "sender_email",
    "phone": "sender_phone",
    "subject": "subject",
    "message": "message",
    "address": "address",
    "property_number": "property_number",
    "location": "location",
    "category": "category",
    "external_reference": "external_reference",
}
PUBLIC_NAMES = {internal: public for public, internal in RECEIVE_ARGUMENTS.items()}


# The characters str.strip() removes, as a regular expression class usable both in Python and in
# the OpenAPI schema: a field "has text" when it holds any other character.
WHITESPACE = (
    "\\t\\n\\u000b\\u000c\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000"
)
HAS_TEXT = f"[^{WHITESPACE}]"


def _has_text(value: str | None) -> bool:
    return bool(value and value.strip())


def _text(max_length: int | None, help_text: str):
    # Not trimmed here: lengths are checked on the value as sent, as the schema's maxLength says.
    # inquiry_receive trims what it stores.
    return StrictCharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=max_length,
        help_text=help_text,
    )


class InquiryCreateSerializer(serializers.Serializer):
    name = _text(200, "The sender's name.")
    email = StrictEmailField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=254,
        help_text="The sender's e-mail address. Give an e-mail address or a phone number.",
    )
    phone = _text(32, "The sender's phone number. Give an e-mail address or a phone number.")
    subject = _text(200, "A short title. Give a message or a subject.")
    message = _text(None, "What the inquiry is about.")
    address = _text(300, "The address the inquiry is about; matched to a known property.")
    property_number = _text(64, "Your property number, when the sender knows it.")
    location = _text(200, "Where in the building, e.g. “Kitchen” or “Stairwell B”.")
    category = _text(100, "What kind of inquiry, as your form calls it (e.g. fault report).")
    external_reference = _text(100, "Your own reference (order or ticket number).")
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=MAX_FILES,
        help_text=(
            "Files (multipart/form-data only; repeat the field per file): images, PDF, office"
            " documents or plain text."
        ),
    )

    def validate(self, attrs):
        errors = {}
        if not _has_text(attrs.get("message")) and not _has_text(attrs.get("subject")):
            errors["message"] = [_("Write what the inquiry is about (a message or a subject).")]
        if not attrs.get("email") and not _has_text(attrs.get("phone")):
            reach = _("Give an e-mail address or a phone number so the sender can be reached.")
            errors["email"] = [reach]
            errors["phone"] = [reach]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def receive_arguments(self) -> dict:
        data = self.validated_data
        return {internal: data.get(public, "") for public, internal in RECEIVE_ARGUMENTS.items()}


class InquiryCreateJsonSerializer(InquiryCreateSerializer):
    """The JSON body: the same fields without files (JSON cannot carry them; multipart can). An
    `attachments` member is an unknown field there, ignored like any other."""

    attachments = None


class InquiryCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The inquiry's id.")
    status = serializers.ChoiceField(
        choices=["new", "converted"],
        help_text="new: waits for a caseworker; converted: a case was opened at once.",
    )
    case_number = serializers.IntegerField(
        allow_null=True, help_text="The case's number when status is converted, else null."
    )
