"""An existing user's answer to an invitation: /<org-slug>/invitation/ shows it, with Accept and
Decline. The page is the invited user's own: it does not go through org_view (they are no member
yet); anonymous users are sent to sign in and everyone without an invitation to that
organization gets the same 404 as org_view gives outsiders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations import services, tenancy
from organizations.models import Invitation, Organization


def _own_invitation(request, org_slug: str) -> Invitation:
    org = Organization.objects.filter(slug=org_slug).first()
    if org is None:
        raise Http404
    tenancy.activate(org)  # the invitation's organization, for the rest of the request
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(user=request.user)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def invitation(request, org_slug: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method != "GET":
        # Answers go to accept/ or decline/; keep outsiders' answer the same 404 as a GET's.
        _own_invitation(request, org_slug)
        return redirect("organizations:invitation", org_slug=org_slug)
    found = _own_invitation(request, org_slug)
    return render(request, "organizations/invitation.html", {"invitation": found})


def _answer(request, org_slug: str, accept: bool):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = _own_invitation(request, org_slug)
    org = found.organization
    try:
        if accept:
            services.invitation_accept(user=request.user, invitation=found)
        else:
            services.invitation_decline(user=request.user, invitation=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("organizations:invitation", org_slug=org_slug)
    if not accept:
        messages.success(request, _("You declined the invitation to %(org)s.") % {"org": org.name})
        return redirect("home")
    messages.success(request, _("Welcome to %(org)s.") % {"org": org.name})
    request.session["last_org"] = org.slug  # the landing page opens the new organization
    return redirect("home")


@require_POST
def invitation_accept(request, org_slug: str):
    return _answer(request, org_slug, accept=True)


@require_POST
def invitation_decline(request, org_slug: str):
    return _answer(request, org_slug, accept=False)
