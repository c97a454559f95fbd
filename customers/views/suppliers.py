"""Staff pages for suppliers: the outside companies that do the work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from customers import services
from customers.forms import SupplierForm
from customers.models import Supplier
from customers.selectors import supplier_page, supplier_search
from organizations.scoping import STAFF_ROLES, get_for_org_or_404, org_view
from organizations.web import form_page, search_query


@org_view(roles=STAFF_ROLES)
def supplier_list(request: HttpRequest) -> HttpResponse:
    q = search_query(request)
    page = supplier_page(request.org, q, request.GET.get("page"))
    return render(request, "customers/supplier_list.html", {"page": page, "q": q})


@org_view(roles=STAFF_ROLES)
def supplier_detail(request: HttpRequest, supplier_id: int) -> HttpResponse:
    supplier = get_for_org_or_404(supplier_search(request.org), request.org, pk=supplier_id)
    return render(request, "customers/supplier_detail.html", {"supplier": supplier})


def _save(request: HttpRequest, supplier: Supplier | None) -> HttpResponse:
    can_pick_users = request.membership.is_admin
    initial = SupplierForm.initial_from(supplier) if supplier else {"is_active": True}
    form = SupplierForm(
        request.POST or None, initial=initial, org=request.org, can_pick_users=can_pick_users
    )

    def save() -> Supplier:
        data = dict(form.cleaned_data)
        if supplier is None:
            return services.supplier_create(org=request.org, actor=request.user, **data)
        data.setdefault("users", None)
        services.supplier_update(org=request.org, actor=request.user, supplier=supplier, **data)
        return supplier

    return form_page(
        request,
        form,
        save=save,
        saved_message=_("Supplier created.") if supplier is None else _("Supplier saved."),
        success_url=lambda saved: reverse(
            "customers:supplier_detail", args=[request.org.slug, saved.pk]
        ),
        template="customers/supplier_form.html",
        context={"supplier": supplier},
    )


@org_view(roles=STAFF_ROLES)
def supplier_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@org_view(roles=STAFF_ROLES)
def supplier_edit(request: HttpRequest, supplier_id: int) -> HttpResponse:
    return _save(request, get_for_org_or_404(Supplier, request.org, pk=supplier_id))
