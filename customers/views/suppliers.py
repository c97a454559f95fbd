"""Staff pages for suppliers: the outside companies that do the work."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from customers import services
from customers.forms import SupplierForm
from customers.models import Supplier
from customers.selectors import supplier_page, supplier_search
from organizations.scoping import STAFF_ROLES, get_for_org_or_404, org_view
from organizations.web import add_service_errors, is_htmx, search_query


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
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if supplier is None:
                supplier = services.supplier_create(org=request.org, actor=request.user, **data)
                messages.success(request, _("Supplier created."))
            else:
                data.setdefault("users", None)
                services.supplier_update(
                    org=request.org, actor=request.user, supplier=supplier, **data
                )
                messages.success(request, _("Supplier saved."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(
                "customers:supplier_detail", org_slug=request.org.slug, supplier_id=supplier.pk
            )
    status = 400 if request.method == "POST" and is_htmx(request) else 200
    return render(
        request, "customers/supplier_form.html", {"form": form, "supplier": supplier}, status=status
    )


@org_view(roles=STAFF_ROLES)
def supplier_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@org_view(roles=STAFF_ROLES)
def supplier_edit(request: HttpRequest, supplier_id: int) -> HttpResponse:
    return _save(request, get_for_org_or_404(Supplier, request.org, pk=supplier_id))
