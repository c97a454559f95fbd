"""JSON errors for the API: every failure is a JSON body, never an HTML page or a 500 page.

The shape, documented in the OpenAPI schema as `Error`:

    {"detail": "<a sentence for people>", "code": "<stable code for programs>",
     "errors": {"<field>": ["<message>", ...]}}     # "errors" in every 400, only there

A 400 that is about no field (a body that is not JSON) has its sentence under
"non_field_errors", so a client reads every 400 the same way, as the schema documents it.
"""

from __future__ import annotations

import logging

from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse, UnreadablePostError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

logger = logging.getLogger("saksflyt.api")


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "payload_too_large"


def _as_api_exception(exc: Exception) -> Exception:
    """Django's own exceptions, as the API exceptions DRF knows how to answer."""
    if isinstance(exc, RequestDataTooBig | TooManyFilesSent):
        return PayloadTooLarge()
    if isinstance(exc, TooManyFieldsSent):
        return exceptions.ParseError(_("The request has too many fields."))
    if isinstance(exc, SuspiciousOperation | UnreadablePostError):
        return exceptions.ParseError(_("The request could not be read."))
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    return exc


def _codes(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return exc.default_code


def _text(message) -> str:
    """A message as UTF-8 can carry it: one that quotes the input ("'\\udfff' is not a valid
    choice.") may hold a lone surrogate, which the JSON renderer cannot encode (a 500)."""
    return str(message).encode("utf-8", "backslashreplace").decode("utf-8")


def _flat_errors(data, prefix: str = "") -> dict[str, list[str]]:
    """`errors` as documented, field → list of messages: nested errors (a list field's items, a
    nested object's fields) get dotted names, e.g. "attachments.0"."""
    if not isinstance(data, dict | list):
        return {_text(prefix) or "non_field_errors": [_text(data)]}
    if isinstance(data, list) and all(not isinstance(item, dict | list) for item in data):
        return {_text(prefix) or "non_field_errors": [_text(item) for item in data]}
    items = data.items() if isinstance(data, dict) else enumerate(data)
    flat: dict[str, list[str]] = {}
    for key, value in items:
        if not value:
            continue  # a list serializer's valid items are empty dicts
        for name, messages in _flat_errors(
            value, f"{prefix}.{key}" if prefix else str(key)
        ).items():
            flat.setdefault(name, []).extend(messages)
    return flat


def json_exception_handler(exc, context):
    exc = _as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        # A bug, not bad input: log it with its traceback, still answer in JSON.
        logger.exception("Unhandled API error", exc_info=exc)
        set_rollback()
        return Response(
            {"detail": _("Something went wrong on our side. Try again later."), "code": "error"},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        errors = _flat_errors(response.data)
        response.data = {
            "detail": _("Some fields are missing or invalid."),
            "code": "invalid",
            "errors": errors,
        }
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {"detail": _text(detail), "code": _codes(exc)}
        if response.status_code == status.HTTP_400_BAD_REQUEST:
            response.data["errors"] = {"non_field_errors": [_text(detail)]}
    return response


def api_not_found(request, *args, **kwargs):
    """Unknown URLs under /api/ answer in JSON too."""
    detail = _("There is no API endpoint at this address.")
    if not request.path.endswith("/"):
        detail += " " + _("API addresses end with a slash (/).")
    return JsonResponse({"detail": detail, "code": "not_found"}, status=404)
