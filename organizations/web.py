"""Small helpers every app's views share: service errors on forms, htmx, search input."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def add_service_errors(
    form: forms.BaseForm, exc: ValidationError, prefix_map: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the form: next to the field it names when the form
    has that field (after renaming through `prefix_map`), otherwise above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        name = (prefix_map or {}).get(field, field)
        form.add_error(name if name in form.fields else None, errors)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def search_query(request: HttpRequest) -> str:
    return (request.GET.get("q") or "").strip()[:200]
