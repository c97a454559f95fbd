"""The Events tab of the case page (when switched on for cases): the case's audit events,
beside its history timeline. A page of its own, so the case page itself reads nothing more."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import Case
from organizations.audit_display import register_object_links
from organizations.scoping import STAFF_ROLES, for_org, get_for_org_or_404, org_view
from organizations.views.events import object_events_response

MODULE = "cases"


@org_view(roles=STAFF_ROLES)
def case_events(request: HttpRequest, number: int) -> HttpResponse:
    if not request.org.events_enabled(MODULE):
        raise Http404
    case = get_for_org_or_404(
        Case.objects.only("pk", "organization_id", "number", "title"), request.org, number=number
    )
    slug = request.org.slug
    return object_events_response(
        request,
        module=MODULE,
        objects=[("cases.case", [case.pk])],
        title=str(case),
        details_url=reverse("cases:case_detail", args=[slug, case.number]),
        crumbs=[(reverse("cases:inbox", args=[slug]), _("Inbox"))],
    )


def _case_links(org, ids: list[int]) -> dict[int, str]:
    found = for_org(Case, org).filter(pk__in=ids).values_list("pk", "number")
    name = "cases:case_detail"
    return {pk: reverse(name, kwargs={"org_slug": org.slug, "number": n}) for pk, n in found}


def register_links() -> None:
    """Events pages link cases to their pages (CasesConfig.ready)."""
    register_object_links("cases.case", _case_links)
