"""Staff pages for containers (waste bins at a property)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from organizations.scoping import STAFF_ROLES, for_org, get_for_org_or_404, org_view
from organizations.web import form_page, parse_id, search_query
from properties import selectors, services
from properties.forms import ContainerForm
from properties.models import Container, Property


@org_view(roles=STAFF_ROLES)
def container_list(request: HttpRequest) -> HttpResponse:
    q = search_query(request)
    page = selectors.container_page(request.org, q, request.GET.get("page"))
    return render(request, "properties/container_list.html", {"page": page, "q": q})


@org_view(roles=STAFF_ROLES)
def container_detail(request: HttpRequest, container_pk: int) -> HttpResponse:
    queryset = Container.objects.select_related("property")
    container = get_for_org_or_404(queryset, request.org, pk=container_pk)
    context = {
        "container": container,
        "ancestors": selectors.property_ancestors(container.property),
    }
    return render(request, "properties/container_detail.html", context)


def _save(request: HttpRequest, container: Container | None) -> HttpResponse:
    if container is not None:
        initial = ContainerForm.initial_from(container)
    else:
        initial = {"property": request.GET.get("property") or None}
    form = ContainerForm(request.POST or None, initial=initial, org=request.org)

    def save() -> Container:
        if container is None:
            return services.container_create(
                org=request.org, actor=request.user, **form.cleaned_data
            )
        services.container_update(
            org=request.org, actor=request.user, container=container, **form.cleaned_data
        )
        return container

    return form_page(
        request,
        form,
        save=save,
        saved_message=_("Container created.") if container is None else _("Container saved."),
        success_url=lambda saved: reverse(
            "properties:container_detail", args=[request.org.slug, saved.pk]
        ),
        template="properties/container_form.html",
        context={"container": container},
    )


@org_view(roles=STAFF_ROLES)
def container_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@org_view(roles=STAFF_ROLES)
def container_edit(request: HttpRequest, container_pk: int) -> HttpResponse:
    return _save(request, get_for_org_or_404(Container, request.org, pk=container_pk))


@org_view(roles=STAFF_ROLES)
def container_autocomplete(request: HttpRequest) -> JsonResponse:
    """[{id, container_id, fraction, container_type}] for ?property=<id> or matching ?q=.

    A property id from another organization (or a malformed one) gives an empty list.
    """
    property_id = None
    raw = request.GET.get("property")
    if raw:
        pk = parse_id(raw)
        prop = for_org(Property, request.org).filter(pk=pk).first() if pk else None
        if prop is None:
            return JsonResponse([], safe=False)
        property_id = prop.pk
    rows = selectors.container_autocomplete(
        request.org, q=search_query(request), property_id=property_id
    )
    return JsonResponse(rows, safe=False)
