"""Organization settings for admins: the organization itself, members and teams."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations import services
from organizations.forms import InviteForm, OrganizationSettingsForm, RoleForm, TeamForm
from organizations.models import Invitation, Membership, Team
from organizations.scoping import ADMIN_ROLES, get_for_org_or_404, org_view
from organizations.selectors import invitation_list, member_list, team_list
from organizations.site import site_url
from organizations.web import add_service_errors


@org_view(roles=ADMIN_ROLES)
def settings_home(request):
    return redirect("organizations:members", org_slug=request.org.slug)


@org_view(roles=ADMIN_ROLES)
def organization_edit(request):
    org = request.org
    form = OrganizationSettingsForm(request.POST or None, request.FILES or None, org=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(org=org, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            org.refresh_from_db()  # the page shows what is saved; the form keeps what was typed
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Organization settings saved."))
            return redirect("organizations:organization_edit", org_slug=org.slug)
    return render(request, "organizations/settings/organization.html", {"form": form})


@org_view(roles=ADMIN_ROLES)
def members(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_invite(
                org=request.org,
                actor=request.user,
                site_url=site_url(request),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("organizations:members", org_slug=request.org.slug)
    return render(
        request,
        "organizations/settings/members.html",
        {
            "form": form,
            "members": member_list(request.org),
            "invitations": invitation_list(request.org),
            "roles": Membership.Role.choices,
        },
    )


@require_POST
@org_view(roles=ADMIN_ROLES)
def invitation_withdraw(request, invitation_id: int):
    invitation = get_for_org_or_404(Invitation, request.org, pk=invitation_id)
    services.invitation_withdraw(org=request.org, actor=request.user, invitation=invitation)
    messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})
    return redirect("organizations:members", org_slug=request.org.slug)


@require_POST
@org_view(roles=ADMIN_ROLES)
def member_role(request, membership_id: int):
    membership = get_for_org_or_404(Membership, request.org, pk=membership_id)
    form = RoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a valid role."))
        services.member_change_role(
            org=request.org,
            actor=request.user,
            membership=membership,
            role=form.cleaned_data["role"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Role changed for %(user)s.") % {"user": membership.user})
    return redirect("organizations:members", org_slug=request.org.slug)


@require_POST
@org_view(roles=ADMIN_ROLES)
def member_active(request, membership_id: int):
    membership = get_for_org_or_404(Membership, request.org, pk=membership_id)
    active = request.POST.get("active") == "1"
    try:
        services.member_set_active(
            org=request.org, actor=request.user, membership=membership, active=active
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = _("%(user)s reactivated.") if active else _("%(user)s deactivated.")
        messages.success(request, text % {"user": membership.user})
    return redirect("organizations:members", org_slug=request.org.slug)


@org_view(roles=ADMIN_ROLES)
def teams(request):
    return render(request, "organizations/settings/teams.html", {"teams": team_list(request.org)})


@org_view(roles=ADMIN_ROLES)
def team_edit(request, team_id: int | None = None):
    team = get_for_org_or_404(Team, request.org, pk=team_id) if team_id else None
    form = TeamForm(request.POST or None, instance=team, org=request.org)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_save(
                org=request.org,
                actor=request.user,
                team=team,
                name=form.cleaned_data["name"],
                members=form.cleaned_data["members"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Team saved."))
            return redirect("organizations:teams", org_slug=request.org.slug)
    return render(request, "organizations/settings/team_form.html", {"form": form, "team": team})


@require_POST
@org_view(roles=ADMIN_ROLES)
def team_delete(request, team_id: int):
    team = get_for_org_or_404(Team, request.org, pk=team_id)
    services.team_delete(org=request.org, actor=request.user, team=team)
    messages.success(request, _("Team deleted."))
    return redirect("organizations:teams", org_slug=request.org.slug)
