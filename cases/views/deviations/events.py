"""The Events tab of the deviation page (when switched on for deviations): the deviation's
audit events and its tasks', newest first, paged. The page's own history stays as it is."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import Deviation, Task
from organizations.audit_display import register_object_links
from organizations.scoping import STAFF_ROLES, for_org, get_for_org_or_404, org_view
from organizations.views.events import object_events_response

MODULE = "deviations"


@org_view(roles=STAFF_ROLES)
def deviation_events(request: HttpRequest, deviation_number: int) -> HttpResponse:
    if not request.org.events_enabled(MODULE):
        raise Http404
    org = request.org
    deviation = get_for_org_or_404(
        Deviation.objects.only("pk", "organization_id", "number", "title"),
        org,
        number=deviation_number,
    )
    tasks = for_org(Task, org).filter(deviation=deviation).values("pk")
    return object_events_response(
        request,
        module=MODULE,
        objects=[(Deviation._meta.label_lower, [deviation.pk]), (Task._meta.label_lower, tasks)],
        title=str(deviation),
        details_url=reverse("cases:deviation_detail", args=[org.slug, deviation.number]),
        crumbs=[(reverse("cases:deviation_list", args=[org.slug]), _("Deviations"))],
    )


def _deviation_links(org, ids: list[int]) -> dict[int, str]:
    found = for_org(Deviation, org).filter(pk__in=ids).values_list("pk", "number")
    name = "cases:deviation_detail"
    return {
        pk: reverse(name, kwargs={"org_slug": org.slug, "deviation_number": number})
        for pk, number in found
    }


def register_links() -> None:
    """Events pages link deviations to their pages (CasesConfig.ready)."""
    register_object_links(Deviation._meta.label_lower, _deviation_links)
