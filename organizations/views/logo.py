"""The organization's logo, public: the hosted web form (/form/<slug>/) shows it to anyone.

Served by Django rather than from MEDIA_URL, which only DEBUG serves, so it works in every
deployment. The URL carries the file's generated name (`?v=`), so browsers may keep it a day.
"""

from __future__ import annotations

import mimetypes

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from organizations.models import Organization

CACHE_SECONDS = 24 * 60 * 60


@require_safe
def organization_logo(request: HttpRequest, org_slug: str) -> FileResponse:
    org = get_object_or_404(Organization, slug=org_slug)
    if not org.logo:
        raise Http404
    try:
        file = org.logo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(org.logo.name)[0] or "application/octet-stream"
    response = FileResponse(file, content_type=content_type)
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
