"""Staff pages for customers: list and search, page, create, edit, and the pickers' lookups."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from config.db_router import replica_view
from customers import selectors, services
from customers.forms import CustomerForm
from customers.models import Customer
from customers.views.contact_roles import contact_roles_section
from organizations.scoping import STAFF_ROLES, get_for_org_or_404, org_view
from organizations.web import form_page, search_query


@org_view(roles=STAFF_ROLES)
@replica_view  # search: may read the replica (config/db_router.py)
def customer_list(request: HttpRequest) -> HttpResponse:
    q = search_query(request)
    page = selectors.customer_page(request.org, q, request.GET.get("page"))
    return render(request, "customers/customer_list.html", {"page": page, "q": q})


@org_view(roles=STAFF_ROLES)
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_for_org_or_404(Customer, request.org, pk=customer_id)
    context = {
        "customer": customer,
        "agreements": selectors.customer_agreements(request.org, customer),
        **contact_roles_section(request, customer=customer),
    }
    return render(request, "customers/customer_detail.html", context)


def _save(request: HttpRequest, customer: Customer | None) -> HttpResponse:
    initial = CustomerForm.initial_from(customer) if customer else None
    form = CustomerForm(request.POST or None, initial=initial)

    def save() -> Customer:
        if customer is None:
            return services.customer_create(
                org=request.org, actor=request.user, **form.cleaned_data
            )
        services.customer_update(
            org=request.org, actor=request.user, customer=customer, **form.cleaned_data
        )
        return customer

    return form_page(
        request,
        form,
        save=save,
        saved_message=_("Customer created.") if customer is None else _("Customer saved."),
        success_url=lambda saved: reverse(
            "customers:customer_detail", args=[request.org.slug, saved.pk]
        ),
        template="customers/customer_form.html",
        context={"customer": customer},
    )


@org_view(roles=STAFF_ROLES)
def customer_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@org_view(roles=STAFF_ROLES)
def customer_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _save(request, get_for_org_or_404(Customer, request.org, pk=customer_id))


@org_view(roles=STAFF_ROLES)
@replica_view  # search: may read the replica (config/db_router.py)
def customer_autocomplete(request: HttpRequest) -> JsonResponse:
    """[{id, name, email, phone, address}] of at most 20 customers matching ?q=."""
    return JsonResponse(
        selectors.customer_autocomplete(request.org, search_query(request)), safe=False
    )


@org_view(roles=STAFF_ROLES)
@replica_view  # search: may read the replica (config/db_router.py)
def customer_options(request: HttpRequest) -> HttpResponse:
    """<option> elements for a customer picker, refreshed as the user types in its search box."""
    rows = selectors.customer_options(request.org, search_query(request))
    options = [(row.pk, selectors.customer_label(row)) for row in rows]
    return render(request, "customers/_options.html", {"options": options})
