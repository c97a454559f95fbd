"""The bell: recent in-app notifications of the signed-in member, in this organization only."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from notifications.models import Notification
from notifications.selectors import recent_for_user
from notifications.services import notification_mark_read
from organizations.scoping import ALL_ROLES, get_for_org_or_404, org_view
from organizations.web import is_htmx

LIST_LIMIT = 20


@require_GET
@org_view(roles=ALL_ROLES)
def notification_list(request):
    notifications = list(recent_for_user(request.org, request.user, limit=LIST_LIMIT))
    template = "notifications/_bell_list.html" if is_htmx(request) else "notifications/list.html"
    return render(request, template, {"notifications": notifications})


@require_POST
@org_view(roles=ALL_ROLES)
def notification_open(request, notification_id: int):
    """Mark one notification read and follow its link (a path inside this site only)."""
    notification = get_for_org_or_404(
        Notification, request.org, pk=notification_id, recipient=request.user
    )
    notification_mark_read(org=request.org, user=request.user, ids=[notification.pk])
    url = notification.url
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect("notifications:list", org_slug=request.org.slug)


@require_POST
@org_view(roles=ALL_ROLES)
def notification_read_all(request):
    notification_mark_read(org=request.org, user=request.user)
    if is_htmx(request):
        return render(request, "includes/bell_slot.html", {"bell_open": True})
    return redirect("notifications:list", org_slug=request.org.slug)
