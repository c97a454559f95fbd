"""Small helpers every app's views share: service errors on forms, htmx, search input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


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


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    save: Callable[[], Any],
    saved_message: str,
    success_url: Callable[[Any], str],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The create/edit page: on a valid POST call `save` (a service call returning the saved
    object) and go to `success_url(obj)`; a service's ValidationError lands on the form, which
    is shown again with everything typed (400 for htmx, so it swaps in place)."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, saved_message)
            return redirect(success_url(obj))
    status = 400 if request.method == "POST" and is_htmx(request) else 200
    return render(request, template, {"form": form, **context}, status=status)
