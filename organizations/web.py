"""Small helpers every app's views share: service errors on forms, htmx, search input, ids."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
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


SEARCH_MAX_LENGTH = 200

# The largest id PostgreSQL's bigint (Django's BigAutoField) can hold.
ID_MAX = 2**63 - 1


def clean_search_text(text: str, max_length: int = SEARCH_MAX_LENGTH) -> str:
    """`text` as something safe to search for: control characters (NUL, which PostgreSQL text
    cannot hold, and the rest of Unicode's Cc) and lone surrogates (which cannot be encoded to
    UTF-8) become spaces; then trimmed and cut to `max_length`. Format characters such as the
    right-to-left override are ordinary text and stay."""
    text = text[: max_length * 4]  # bound the work on a 100 KB parameter
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text)
    return cleaned.strip()[:max_length].strip()


def search_query(request: HttpRequest, max_length: int = SEARCH_MAX_LENGTH) -> str:
    """The list or autocomplete search text in `?q=`, cleaned by `clean_search_text`."""
    return clean_search_text(request.GET.get("q") or "", max_length)


def parse_id(value: Any) -> int | None:
    """A row id from user input (query string, form, JSON), or None when it cannot be one.

    Only ASCII digits count (`str.isdigit()` also accepts "²" and other digits `int()` refuses
    or reads differently; `int()` accepts spaces, signs and underscores), and only ids from 1
    to PostgreSQL's bigint maximum, so a 5,000-digit value neither raises nor reaches the
    database. An `int` (from JSON) is checked for the same range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and 0 < len(value) <= 19 and value.isascii() and value.isdigit():
        number = int(value)
    else:
        return None
    return number if 0 < number <= ID_MAX else None


def parse_ids(values: Iterable[Any]) -> list[int]:
    """The distinct ids (`parse_id`) among `values`, in order; anything else is dropped."""
    seen: dict[int, None] = {}
    for value in values:
        number = parse_id(value)
        if number is not None:
            seen.setdefault(number, None)
    return list(seen)


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
