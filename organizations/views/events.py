"""The audit trail's pages: Settings → Modules (the Events tab switches), the organization's
events with filters (admins; the CSV export is in events_export.py), and the Events tab of an
object page, which the apps' own views serve through `object_events_response`."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from organizations.audit_display import event_rows
from organizations.forms_events import EventFilterForm, EventTabsForm
from organizations.scoping import ADMIN_ROLES, org_view
from organizations.selectors_audit import EventFilter, events_page, object_events, org_events
from organizations.services_modules import organization_event_tabs_set
from organizations.web import add_service_errors, is_htmx


@org_view(roles=ADMIN_ROLES)
def modules_settings(request: HttpRequest) -> HttpResponse:
    form = EventTabsForm(request.POST or None, org=request.org)
    if request.method == "POST" and form.is_valid():
        try:
            organization_event_tabs_set(org=request.org, actor=request.user, tabs=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Module settings saved."))
            return redirect("organizations:modules_settings", org_slug=request.org.slug)
    status = 400 if request.method == "POST" and is_htmx(request) else 200
    return render(request, "organizations/settings/modules.html", {"form": form}, status=status)


@org_view(roles=ADMIN_ROLES)
def events_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None, org=request.org)
    valid = form.is_valid() if request.GET else True
    page = rows = None
    if valid:
        filters = form.filters() if request.GET else EventFilter()
        page = events_page(org_events(request.org, filters), request.GET.get("after", ""))
        rows = event_rows(request.org, page.events)
    query = request.GET.copy()
    query.pop("after", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    status = 400 if not valid and is_htmx(request) else 200
    return render(request, "organizations/events/list.html", context, status=status)


def object_events_response(
    request: HttpRequest,
    *,
    module: str,
    objects: list[tuple[str, Iterable[int]]],
    title: str,
    details_url: str,
    crumbs: list[tuple[str, str]] = (),
) -> HttpResponse:
    """An object page's Events tab: 404 when the module's tab is switched off. `objects` are
    the (object type, ids) whose events it lists (the object, and its parts if any)."""
    if not request.org.events_enabled(module):
        raise Http404
    page = events_page(object_events(request.org, objects), request.GET.get("after", ""))
    context = {
        "module": module,
        "title": title,
        "details_url": details_url,
        "events_url": request.path,
        "crumbs": list(crumbs),
        "page": page,
        "rows": event_rows(request.org, page.events, links=False),
    }
    return render(request, "organizations/events/object.html", context)
