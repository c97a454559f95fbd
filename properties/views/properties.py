"""Staff pages for properties: list and search, the property page, create, edit, lookups."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from customers.views.contact_roles import contact_roles_section
from organizations.scoping import STAFF_ROLES, get_for_org_or_404, org_view
from organizations.web import form_page, search_query
from properties import selectors, services
from properties.forms import PropertyForm
from properties.models import Property


@org_view(roles=STAFF_ROLES)
def property_list(request: HttpRequest) -> HttpResponse:
    q = search_query(request)
    page = selectors.property_page(request.org, q, request.GET.get("page"))
    return render(request, "properties/property_list.html", {"page": page, "q": q})


@org_view(roles=STAFF_ROLES)
def property_detail(request: HttpRequest, property_id: int) -> HttpResponse:
    queryset = Property.objects.select_related("parent")
    prop = get_for_org_or_404(queryset, request.org, pk=property_id)
    context = {
        "property": prop,
        "ancestors": selectors.property_ancestors(prop),
        "children": selectors.property_children(request.org, prop),
        "containers": selectors.containers_for_property(request.org, prop),
        "agreements": selectors.agreements_for_property(request.org, prop),
        **contact_roles_section(request, property=prop),
    }
    return render(request, "properties/property_detail.html", context)


def _save(request: HttpRequest, prop: Property | None) -> HttpResponse:
    if prop is not None:
        initial = PropertyForm.initial_from(prop)
    else:
        initial = {"parent": request.GET.get("parent") or None}
    form = PropertyForm(request.POST or None, initial=initial, org=request.org)

    def save() -> Property:
        if prop is None:
            return services.property_create(
                org=request.org, actor=request.user, **form.cleaned_data
            )
        services.property_update(
            org=request.org, actor=request.user, property=prop, **form.cleaned_data
        )
        return prop

    return form_page(
        request,
        form,
        save=save,
        saved_message=_("Property created.") if prop is None else _("Property saved."),
        success_url=lambda saved: reverse(
            "properties:property_detail", args=[request.org.slug, saved.pk]
        ),
        template="properties/property_form.html",
        context={"property": prop},
    )


@org_view(roles=STAFF_ROLES)
def property_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@org_view(roles=STAFF_ROLES)
def property_edit(request: HttpRequest, property_id: int) -> HttpResponse:
    return _save(request, get_for_org_or_404(Property, request.org, pk=property_id))


@org_view(roles=STAFF_ROLES)
def property_autocomplete(request: HttpRequest) -> JsonResponse:
    """[{id, label, property_number}] of at most 20 properties matching ?q=."""
    return JsonResponse(
        selectors.property_autocomplete(request.org, search_query(request)), safe=False
    )


@org_view(roles=STAFF_ROLES)
def property_options(request: HttpRequest) -> HttpResponse:
    """<option> elements for a property picker, refreshed as the user types in its search box."""
    rows = selectors.property_options(request.org, search_query(request))
    options = [(row.pk, selectors.property_label(row)) for row in rows]
    return render(request, "customers/_options.html", {"options": options})
