from __future__ import annotations

import functools

from django.db.models import Count

from inquiries.models import Inquiry
from organizations.compiled import Read, read_list


def tray(request):
    """The unprocessed-inquiry count for the top-bar tray: one index-only count, run only
    when a page actually shows the tray (staff of the current organization)."""
    org = getattr(request, "org", None)
    membership = getattr(request, "membership", None)
    if org is None or membership is None or not membership.is_staff_role:
        return {}

    @functools.cache
    def count() -> int:
        found = read_list(tray_read(org.pk))
        return found[0] if found else 0

    return {"inquiry_tray_enabled": True, "inquiry_tray_count": count}


def tray_read(org_id: int) -> Read:
    """The tray's count as a compiled read: a page that reads ahead (the case page) sends it
    with its own reads, and the tray is answered from them."""
    return ("inquiry tray count", _new_inquiries, (org_id,))


def _new_inquiries(org_id: int):
    """The count as a one-row grouping (a plain count() is compiled afresh on every page)."""
    return (
        Inquiry.objects.filter(organization_id=org_id, status=Inquiry.Status.NEW)
        .values("organization_id")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
        .order_by()
    )
