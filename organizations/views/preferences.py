"""The member's own settings: how they hear of mentions, cases and tasks given to them."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from organizations.forms import NotificationPreferencesForm
from organizations.scoping import ALL_ROLES, org_view
from organizations.services import user_set_notification_preferences


@org_view(roles=ALL_ROLES)
def notification_preferences(request):
    form = NotificationPreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user_set_notification_preferences(user=request.user, **form.as_preferences())
        messages.success(request, _("Your notification settings are saved."))
        return redirect("organizations:notification_preferences", org_slug=request.org.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "organizations/profile/notifications.html", {"form": form}, status=status
    )
