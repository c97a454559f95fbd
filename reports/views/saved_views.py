"""Saved views: save the case list's filter and sort under a name, list, rename, share, delete.

Everyone sees their own views and those shared with their teams; only the owner or an admin
changes or deletes one (others who see it get 403, those who do not see it 404).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from organizations.models import Membership, Team
from organizations.scoping import STAFF_ROLES, get_for_org_or_404, org_view
from organizations.web import add_service_errors
from reports.models import SavedView
from reports.services.case_export import normalized_query
from reports.services.saved_views import (
    NAME_MAX,
    can_edit,
    menu_entries,
    saved_view_create,
    saved_view_delete,
    saved_view_update,
    visible_views,
)


class SavedViewForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=NAME_MAX)
    team = forms.ModelChoiceField(
        label=gettext_lazy("Share with team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=gettext_lazy("Only me"),
        help_text=gettext_lazy("The team's members see the view in their menu too."),
    )
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, org, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(organization=org).order_by("name")


def _list_url(org_slug: str, query: str) -> str:
    url = reverse("cases:case_list", kwargs={"org_slug": org_slug})
    return f"{url}?{query}" if query else url


def _visible(request: HttpRequest, view_id: int) -> SavedView:
    """A view the user sees (an admin sees every view of the organization), else 404."""
    if request.membership.role == Membership.Role.ADMIN:
        return get_for_org_or_404(SavedView.objects.select_related("team"), request.org, pk=view_id)
    return get_for_org_or_404(visible_views(request.org, request.user), request.org, pk=view_id)


def _editable(request: HttpRequest, view_id: int) -> SavedView:
    view = _visible(request, view_id)
    if not can_edit(view, request.user, request.membership):
        raise PermissionDenied
    return view


@org_view(roles=STAFF_ROLES)
@require_safe
def saved_view_list(request: HttpRequest) -> HttpResponse:
    views = list(visible_views(request.org, request.user))
    for view in views:
        view.url = _list_url(request.org.slug, view.query)
        view.editable = can_edit(view, request.user, request.membership)
    return render(request, "reports/saved_views.html", {"views": views})


@org_view(roles=STAFF_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def saved_view_new(request: HttpRequest) -> HttpResponse:
    """GET ?query=<the case list's query string> shows the form; POST saves."""
    org = request.org
    if request.method == "POST":
        form = SavedViewForm(request.POST, org=org)
        if form.is_valid():
            try:
                view = saved_view_create(
                    org=org,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    team=form.cleaned_data["team"],
                    params=QueryDict(form.cleaned_data["query"]),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The view “%(name)s” is saved.") % {"name": view.name})
                return redirect(_list_url(org.slug, view.query))
    else:
        query = normalized_query(QueryDict(request.GET.get("query", "")[:2000]))
        form = SavedViewForm(initial={"query": query}, org=org)
    query = normalized_query(QueryDict(form["query"].value() or ""))
    context = {"form": form, "view": None, "list_url": _list_url(org.slug, query)}
    return render(request, "reports/saved_view_form.html", context)


@org_view(roles=STAFF_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def saved_view_edit(request: HttpRequest, view_id: int) -> HttpResponse:
    org = request.org
    view = _editable(request, view_id)
    if request.method == "POST":
        form = SavedViewForm(request.POST, org=org)
        if form.is_valid():
            try:
                saved_view_update(
                    org=org,
                    actor=request.user,
                    view=view,
                    name=form.cleaned_data["name"],
                    team=form.cleaned_data["team"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The view is saved."))
                return redirect("reports:saved_views", org_slug=org.slug)
    else:
        form = SavedViewForm(initial={"name": view.name, "team": view.team}, org=org)
    context = {"form": form, "view": view, "list_url": _list_url(org.slug, view.query)}
    return render(request, "reports/saved_view_form.html", context)


@org_view(roles=STAFF_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def saved_view_remove(request: HttpRequest, view_id: int) -> HttpResponse:
    view = _editable(request, view_id)
    if request.method == "POST":
        saved_view_delete(org=request.org, actor=request.user, view=view)
        messages.success(request, _("The view “%(name)s” is deleted.") % {"name": view.name})
        return redirect("reports:saved_views", org_slug=request.org.slug)
    return render(request, "reports/saved_view_delete.html", {"view": view})


@org_view(roles=STAFF_ROLES)
@require_safe
def saved_views_menu(request: HttpRequest) -> HttpResponse:
    """The left menu's saved views with counts (htmx, after the page loaded; cached)."""
    entries = menu_entries(request.org, request.user)
    return render(request, "reports/_saved_views_menu.html", {"saved_views": entries})
