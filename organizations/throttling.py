"""How django-axes identifies the account in a sign-in attempt.

The sign-in form posts the e-mail address as `username` (Django's AuthenticationForm), while axes
would look for the user model's USERNAME_FIELD, `email`, and find nothing: every attempt would
then count against one anonymous account per address. Sign-in ignores the case of the e-mail, so
the lockout must too, or "Kari@x" and "kari@x" would each get their own allowance.
"""

from __future__ import annotations

from django.http import HttpRequest


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = getattr(request, "data", request.POST).get("username")
    return (raw or "").strip().lower()
