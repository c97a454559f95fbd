from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, next to the field it names if any."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def new_case_url(org_slug: str) -> str:
    """The "create a case directly" page when the cases app has it, else the case list."""
    try:
        return reverse("cases:case_new", kwargs={"org_slug": org_slug})
    except NoReverseMatch:
        return reverse("cases:case_list", kwargs={"org_slug": org_slug})
