"""Bulk actions on the cases checked in the inbox or the case list."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cases.forms_lists import BulkActionForm, ListChoices
from cases.services.bulk import BulkResult, cases_bulk_change, parse_ids
from cases.services.tags import tag_get_or_create
from cases.views.lists import render_case_list, render_inbox
from organizations.scoping import STAFF_ROLES, org_view
from organizations.web import add_service_errors, is_htmx

RETURN_VIEWS = {"inbox": render_inbox, "case_list": render_case_list}


def _return_to(request: HttpRequest) -> tuple[str, str, QueryDict]:
    """(view name, URL, query) of the list the action came from; the case list by default."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        parts = urlsplit(target)
        try:
            match = resolve(parts.path)
        except Resolver404:
            match = None
        if (
            match is not None
            and match.namespace == "cases"
            and match.url_name in RETURN_VIEWS
            and match.kwargs.get("org_slug") == request.org.slug
        ):
            return match.url_name, target, QueryDict(parts.query)
    url = reverse("cases:case_list", kwargs={"org_slug": request.org.slug})
    return "case_list", url, QueryDict()


def _summary(result: BulkResult) -> str:
    if result.changed:
        text = ngettext("%(count)s case changed.", "%(count)s cases changed.", result.changed) % {
            "count": result.changed
        }
    else:
        text = _("Nothing to change: the selected cases already had that value.")
    if result.ignored_ids:
        count = len(result.ignored_ids)
        text += " " + ngettext(
            "%(count)s selected case was not found and was left alone.",
            "%(count)s selected cases were not found and were left alone.",
            count,
        ) % {"count": count}
    return text


@require_POST
@org_view(roles=STAFF_ROLES)
def case_bulk(request: HttpRequest) -> HttpResponse:
    org = request.org
    name, url, params = _return_to(request)
    render_back = RETURN_VIEWS[name]
    htmx = is_htmx(request)
    ids = parse_ids(request.POST.getlist("ids"))
    form = BulkActionForm(request.POST, choices=ListChoices(org))
    if form.is_valid() and not ids:
        form.add_error(None, _("Select at least one case."))
    if form.is_valid():
        data = form.cleaned_data
        action = data["action"]
        try:
            with transaction.atomic():
                tag = tag_get_or_create(org=org, name=data["tag"]) if action == "tag" else None
                result = cases_bulk_change(
                    org=org,
                    actor=request.user,
                    case_ids=ids,
                    assignee=data["assignee"] if action == "assign" else None,
                    status=data["status"] if action == "status" else None,
                    priority=data["priority"] if action == "priority" else None,
                    add_tag=tag,
                )
                if not result.cases:
                    # Every id belonged to another organization (or none exists): leak nothing.
                    raise Http404
        except ValidationError as exc:
            add_service_errors(form, exc, {"name": "tag"})
        else:
            notice = _summary(result)
            if htmx:
                return render_back(request, params, notice=notice)
            messages.success(request, notice)
            return redirect(url)
    return render_back(request, params, bulk_form=form, checked=ids, status=400 if htmx else 200)
