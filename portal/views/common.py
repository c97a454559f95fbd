"""What every portal page shares: rendering with the organization and the resident, and safe
"next" addresses that stay inside the organization's portal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from portal.forms import mark_invalid


def portal_render(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    context = dict(context or {})
    for value in context.values():
        if isinstance(value, forms.BaseForm):
            mark_invalid(value)
    context.setdefault("org", request.org)
    context.setdefault("resident", request.resident)
    return render(request, template, context, status=status)


def portal_home(org) -> str:
    return reverse("portal:home", args=[org.slug])


def safe_next(request: HttpRequest, value: str | None, default: str) -> str:
    """`value` when it is a path inside this organization's portal, else `default`."""
    prefix = reverse("portal:home", args=[request.org.slug])
    if (
        value
        and value.startswith(prefix)
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()})
    ):
        return value
    return default
