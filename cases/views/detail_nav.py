"""Next and previous case from the case page (keyboard: j and k).

"Next" means the caseworker's own queue: the open cases assigned to them, in case-number order.
The page links to these views without reading anything (no query on the page); the neighbour is
looked up only when the link is followed, with one query on the (organization, assignee, status)
index.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import Case
from cases.selectors.detail import case_get
from cases.services.cases import case_url
from organizations.scoping import STAFF_ROLES, org_view


def case_navigation(request: HttpRequest, case: Case) -> dict:
    """The page's links to the neighbouring cases of the user's queue (no query)."""
    kwargs = {"org_slug": request.org.slug, "number": case.number}
    return {
        "nav_next_url": reverse("cases:case_next", kwargs=kwargs),
        "nav_previous_url": reverse("cases:case_previous", kwargs=kwargs),
    }


def _neighbour(request: HttpRequest, number: int, *, forward: bool) -> HttpResponse:
    case = case_get(request.org, number)  # 404 for a case that is not the organization's
    queue = Case.objects.filter(
        organization=request.org, assignee=request.user, status__in=Case.OPEN_STATUSES
    )
    if forward:
        found = queue.filter(number__gt=number).order_by("number")
    else:
        found = queue.filter(number__lt=number).order_by("-number")
    neighbour = found.values_list("number", flat=True).first()
    if neighbour is None:
        messages.info(
            request,
            _("This is the last of your open cases.")
            if forward
            else _("This is the first of your open cases."),
        )
        return redirect(case_url(case))
    return redirect(
        reverse("cases:case_detail", kwargs={"org_slug": request.org.slug, "number": neighbour})
    )


@org_view(roles=STAFF_ROLES)
def case_next(request: HttpRequest, number: int) -> HttpResponse:
    return _neighbour(request, number, forward=True)


@org_view(roles=STAFF_ROLES)
def case_previous(request: HttpRequest, number: int) -> HttpResponse:
    return _neighbour(request, number, forward=False)
