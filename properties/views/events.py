"""The Events tab of the property page (when switched on for properties): the property's own
events, its contact roles', and those of its containers and agreements."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from organizations.audit_display import register_object_links
from organizations.scoping import STAFF_ROLES, for_org, get_for_org_or_404, org_view
from organizations.views.events import object_events_response
from properties.models import Agreement, Container, Property

MODULE = "properties"


@org_view(roles=STAFF_ROLES)
def property_events(request: HttpRequest, property_id: int) -> HttpResponse:
    if not request.org.events_enabled(MODULE):
        raise Http404
    org = request.org
    prop = get_for_org_or_404(Property, org, pk=property_id)
    # Subqueries: the page stays one query for the events however many parts there are.
    containers = for_org(Container, org).filter(property=prop).values("pk")
    agreements = for_org(Agreement, org).filter(property=prop).values("pk")
    return object_events_response(
        request,
        module=MODULE,
        objects=[
            ("properties.property", [prop.pk]),
            ("properties.container", containers),
            ("properties.agreement", agreements),
        ],
        title=str(prop),
        details_url=reverse("properties:property_detail", args=[org.slug, prop.pk]),
        crumbs=[(reverse("properties:property_list", args=[org.slug]), _("Properties"))],
    )


def _property_links(org, ids: list[int]) -> dict[int, str]:
    found = for_org(Property, org).filter(pk__in=ids).values_list("pk", flat=True)
    name = "properties:property_detail"
    return {pk: reverse(name, kwargs={"org_slug": org.slug, "property_id": pk}) for pk in found}


def _container_links(org, ids: list[int]) -> dict[int, str]:
    found = for_org(Container, org).filter(pk__in=ids).values_list("pk", flat=True)
    name = "properties:container_detail"
    return {pk: reverse(name, kwargs={"org_slug": org.slug, "container_pk": pk}) for pk in found}


def _agreement_links(org, ids: list[int]) -> dict[int, str]:
    """An agreement has no page of its own: its property's."""
    found = for_org(Agreement, org).filter(pk__in=ids).values_list("pk", "property_id")
    name = "properties:property_detail"
    return {
        pk: reverse(name, kwargs={"org_slug": org.slug, "property_id": property_id})
        for pk, property_id in found
    }


def register_links() -> None:
    """Events pages link properties, containers and agreements (PropertiesConfig.ready)."""
    register_object_links("properties.property", _property_links)
    register_object_links("properties.container", _container_links)
    register_object_links("properties.agreement", _agreement_links)
