"""The Events tab of the customer and supplier pages (when switched on for customers)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from customers.models import Customer, Supplier
from organizations.audit_display import register_object_links
from organizations.scoping import STAFF_ROLES, for_org, get_for_org_or_404, org_view
from organizations.views.events import object_events_response

MODULE = "customers"


@org_view(roles=STAFF_ROLES)
def customer_events(request: HttpRequest, customer_id: int) -> HttpResponse:
    if not request.org.events_enabled(MODULE):
        raise Http404
    customer = get_for_org_or_404(Customer, request.org, pk=customer_id)
    slug = request.org.slug
    return object_events_response(
        request,
        module=MODULE,
        objects=[("customers.customer", [customer.pk])],
        title=customer.name,
        details_url=reverse("customers:customer_detail", args=[slug, customer.pk]),
        crumbs=[(reverse("customers:customer_list", args=[slug]), _("Customers"))],
    )


@org_view(roles=STAFF_ROLES)
def supplier_events(request: HttpRequest, supplier_id: int) -> HttpResponse:
    if not request.org.events_enabled(MODULE):
        raise Http404
    supplier = get_for_org_or_404(Supplier, request.org, pk=supplier_id)
    slug = request.org.slug
    return object_events_response(
        request,
        module=MODULE,
        objects=[("customers.supplier", [supplier.pk])],
        title=supplier.name,
        details_url=reverse("customers:supplier_detail", args=[slug, supplier.pk]),
        crumbs=[(reverse("customers:supplier_list", args=[slug]), _("Suppliers"))],
    )


def _links(model, name: str, kwarg: str):
    def links(org, ids: list[int]) -> dict[int, str]:
        found = for_org(model, org).filter(pk__in=ids).values_list("pk", flat=True)
        return {pk: reverse(name, kwargs={"org_slug": org.slug, kwarg: pk}) for pk in found}

    return links


def register_links() -> None:
    """Events pages link customers and suppliers to their pages (CustomersConfig.ready)."""
    register_object_links(
        "customers.customer", _links(Customer, "customers:customer_detail", "customer_id")
    )
    register_object_links(
        "customers.supplier", _links(Supplier, "customers:supplier_detail", "supplier_id")
    )
