"""OpenAPI pieces shared by every API endpoint: the error shapes (see config/api_errors.py).

They live here, in the lowest app with API endpoints, so `inquiries` can reuse them by importing
downwards.
"""

from __future__ import annotations

from drf_spectacular.extensions import (
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="A sentence for people, in the request's language.")
    code = serializers.CharField(
        help_text=(
            "A stable code for programs: not_authenticated, authentication_failed, not_found,"
            " parse_error, unsupported_media_type, payload_too_large, throttled,"
            " idempotency_key_reused, invalid, ..."
        )
    )


class ValidationErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Messages per field, e.g. {"email": ["Enter a valid e-mail address."]}.',
    )


class RefusedErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages per field, when the refusal is about fields.",
    )


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


INVALID = OpenApiResponse(
    ValidationErrorSerializer,
    description=(
        "Invalid input, or a query parameter the operation does not have; `errors` lists"
        " messages per field or parameter."
    ),
)
UNAUTHENTICATED = error("No API key, or an invalid or revoked one (`WWW-Authenticate: Api-Key`).")
NOT_FOUND = error("No such object in your organization.")
THROTTLED = error("Too many requests for this API key; retry after `Retry-After` seconds.")
MALFORMED = error("The body could not be parsed (e.g. malformed JSON).")
TOO_LARGE = error("The body, or one attached file, is too large.")
UNSUPPORTED = error("The Content-Type is not supported; send JSON (or multipart where noted).")


class RequiredBodySchema(AutoSchema):
    """For views whose request body is required even though each of its fields is optional."""

    def _get_request_body(self, direction="request"):
        body = super()._get_request_body(direction)
        if body:
            body["required"] = True
        return body


class CaseUpdateSchema(OpenApiSerializerExtension):
    """PATCH needs at least one field (CaseUpdateSerializer.validate)."""

    target_class = "cases.api.serializers.CaseUpdateSerializer"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["minProperties"] = 1
        return schema


# Any character but NUL, as a regular expression for Python and the OpenAPI schema alike.
NO_NUL = "^[^\\u0000]*$"


class StrictCharFieldSchema(OpenApiSerializerFieldExtension):
    """Text fields refuse NUL (DRF's CharField does; PostgreSQL text cannot hold it): the
    schema says so, so that a client's validator agrees with the server."""

    target_class = "cases.api.serializers.StrictCharField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request" and schema.get("type") == "string":
            schema.setdefault("pattern", NO_NUL)
        return schema
