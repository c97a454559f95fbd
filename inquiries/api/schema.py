"""OpenAPI description of the API-key scheme (imported by the API views to register it)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension

from inquiries.api.serializers import HAS_TEXT


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "inquiries.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "Send `Authorization: Api-Key <your key>`. An administrator creates keys under"
                " Settings → API keys; the key decides the organization. A missing, invalid or"
                " revoked key gets 401."
            ),
        }


def _one_of_given(*names: str, pattern: str) -> dict:
    return {
        "anyOf": [
            {"required": [name], "properties": {name: {"type": "string", "pattern": pattern}}}
            for name in names
        ]
    }


class InquiryCreateSchema(OpenApiSerializerExtension):
    """The rules across fields, in the schema too: a message or a subject with text, and an
    e-mail address or a phone number (InquiryCreateSerializer.validate)."""

    target_class = "inquiries.api.serializers.InquiryCreateSerializer"
    match_subclasses = True  # the JSON body's serializer too

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["allOf"] = [
            _one_of_given("message", "subject", pattern=HAS_TEXT),
            {
                "anyOf": [
                    {"required": ["email"], "properties": {"email": {"minLength": 1}}},
                    {"required": ["phone"], "properties": {"phone": {"pattern": HAS_TEXT}}},
                ]
            },
        ]
        return schema
