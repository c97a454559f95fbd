"""The Events tab of the inquiry page (when switched on for inquiries)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from inquiries.models import Inquiry
from organizations.audit_display import register_object_links
from organizations.scoping import STAFF_ROLES, for_org, get_for_org_or_404, org_view
from organizations.views.events import object_events_response

MODULE = "inquiries"


@org_view(roles=STAFF_ROLES)
def inquiry_events(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    if not request.org.events_enabled(MODULE):
        raise Http404
    inquiry = get_for_org_or_404(
        Inquiry.objects.only("pk", "organization_id", "subject", "message"),
        request.org,
        pk=inquiry_id,
    )
    slug = request.org.slug
    return object_events_response(
        request,
        module=MODULE,
        objects=[("inquiries.inquiry", [inquiry.pk])],
        title=str(inquiry),
        details_url=reverse("inquiries:inquiry_preview", args=[slug, inquiry.pk]),
        crumbs=[(reverse("inquiries:inquiry_list", args=[slug]), _("Inquiries"))],
    )


def _inquiry_links(org, ids: list[int]) -> dict[int, str]:
    found = for_org(Inquiry, org).filter(pk__in=ids).values_list("pk", flat=True)
    name = "inquiries:inquiry_preview"
    return {pk: reverse(name, kwargs={"org_slug": org.slug, "inquiry_id": pk}) for pk in found}


def register_links() -> None:
    """Events pages link inquiries to their pages (InquiriesConfig.ready)."""
    register_object_links("inquiries.inquiry", _inquiry_links)
