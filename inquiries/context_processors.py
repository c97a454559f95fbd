from __future__ import annotations

import functools

from inquiries.models import Inquiry


def tray(request):
    """The unprocessed-inquiry count for the top-bar tray: one index-only count, run only
    when a page actually shows the tray (staff of the current organization)."""
    org = getattr(request, "org", None)
    membership = getattr(request, "membership", None)
    if org is None or membership is None or not membership.is_staff_role:
        return {}

    @functools.cache
    def count() -> int:
        return Inquiry.objects.filter(organization=org, status=Inquiry.Status.NEW).count()

    return {"inquiry_tray_enabled": True, "inquiry_tray_count": count}
