"""The address people reach this installation at, for links shown on a page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

# config/settings.py's SITE_URL when the environment sets none (a development server).
DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def site_url(request: HttpRequest) -> str:
    """SITE_URL when the deployment sets it; otherwise the origin of this request, so a
    development server on another port or host gets snippets and invitation links that work
    (issue 14). The Host has passed ALLOWED_HOSTS by now (get_host checks it)."""
    configured = settings.SITE_URL.rstrip("/")
    if configured != DEFAULT_SITE_URL:
        return configured
    return f"{request.scheme}://{request.get_host()}"
