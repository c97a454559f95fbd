"""Contact roles: who owns, co-owns or rents a property, added, edited and ended in place.

The same section shows on the customer page (listing properties) and on the property page
(listing customers); `anchor` says which. With htmx every action swaps the whole section, so the
list, the open form and its errors stay consistent; without it the forms are ordinary pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers import services
from customers.contact_undo import (
    SESSION_KEY,
    contact_role_unlink_undo,
    undo_pending,
    undo_remember,
)
from customers.forms import ContactRoleAddForm, ContactRoleEditForm
from customers.models import ContactRole, Customer
from customers.selectors import contact_roles_for_customer, contact_roles_for_property
from organizations.scoping import STAFF_ROLES, get_for_org_or_404, org_view
from organizations.web import add_service_errors, is_htmx
from properties.models import Property

ADD_PREFIX = "role"
ANCHORS = ("customer", "property")


def contact_roles_section(
    request: HttpRequest,
    *,
    customer: Customer | None = None,
    property: Property | None = None,
    add_form: ContactRoleAddForm | None = None,
    edit_form: ContactRoleEditForm | None = None,
    editing: ContactRole | None = None,
    status: str = "",
) -> dict:
    """Context for templates/customers/_contact_roles.html on a customer or a property page."""
    org = request.org
    if customer is not None:
        anchor, roles = "customer", contact_roles_for_customer(org, customer)
        fixed = {"customer": customer.pk}
    elif property is not None:
        anchor, roles = "property", contact_roles_for_property(org, property)
        fixed = {"property": property.pk}
    else:
        raise ValueError("contact_roles_section needs a customer or a property")
    if add_form is None:
        add_form = ContactRoleAddForm(initial=fixed, org=org, fixed=anchor, prefix=ADD_PREFIX)
    return {
        "roles": roles,
        "anchor": anchor,
        "anchor_customer": customer,
        "anchor_property": property,
        "add_form": add_form,
        "edit_form": edit_form,
        "editing_id": editing.pk if editing else None,
        "roles_status": status,
        "roles_undo": undo_pending(request, customer=customer, property=property),
        # An htmx answer replaces the section and updates the status line out of band.
        "htmx_answer": is_htmx(request),
    }


def _anchor(request: HttpRequest) -> str:
    anchor = request.POST.get("anchor") or request.GET.get("anchor") or "customer"
    return anchor if anchor in ANCHORS else "customer"


def _anchor_objects(role: ContactRole, anchor: str) -> dict:
    return {"customer": role.customer} if anchor == "customer" else {"property": role.property}


def _done(request: HttpRequest, anchor_objects: dict, text: str) -> HttpResponse:
    if is_htmx(request):
        context = contact_roles_section(request, **anchor_objects, status=text)
        return render(request, "customers/_contact_roles.html", context)
    messages.success(request, text)
    return _redirect_to_anchor(request, anchor_objects)


def _redirect_to_anchor(request: HttpRequest, anchor_objects: dict) -> HttpResponse:
    if "customer" in anchor_objects:
        return redirect(
            "customers:customer_detail",
            org_slug=request.org.slug,
            customer_id=anchor_objects["customer"].pk,
        )
    return redirect(
        "properties:property_detail",
        org_slug=request.org.slug,
        property_id=anchor_objects["property"].pk,
    )


def _fixed_objects(request: HttpRequest, anchor: str, data) -> dict:
    """The customer or property the form was opened from, scoped to the organization."""
    key = f"{ADD_PREFIX}-{anchor}" if f"{ADD_PREFIX}-{anchor}" in data else anchor
    model = Customer if anchor == "customer" else Property
    return {anchor: get_for_org_or_404(model, request.org, pk=data.get(key))}


@org_view(roles=STAFF_ROLES)
def contact_role_add(request: HttpRequest) -> HttpResponse:
    """GET ?customer=<id> or ?property=<id>: the form as a page; POST: link the two."""
    if request.method == "POST":
        anchor, data = _anchor(request), request.POST
    else:
        anchor, data = ("property" if "property" in request.GET else "customer"), request.GET
    fixed = _fixed_objects(request, anchor, data)
    initial = {anchor: fixed[anchor].pk}
    form = ContactRoleAddForm(
        request.POST or None, initial=initial, org=request.org, fixed=anchor, prefix=ADD_PREFIX
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.contact_role_add(org=request.org, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _done(request, fixed, _("Contact added."))
        if is_htmx(request):
            context = contact_roles_section(request, **fixed, add_form=form)
            return render(request, "customers/_contact_roles.html", context, status=400)
    context = {"form": form, "anchor": anchor, **fixed}
    return render(request, "customers/contact_role_form.html", context)


@org_view(roles=STAFF_ROLES)
def contact_role_edit(request: HttpRequest, role_id: int) -> HttpResponse:
    queryset = ContactRole.objects.select_related("customer", "property")
    role = get_for_org_or_404(queryset, request.org, pk=role_id)
    anchor = _anchor(request)
    anchor_objects = _anchor_objects(role, anchor)
    form = ContactRoleEditForm(
        request.POST or None,
        initial=ContactRoleEditForm.initial_from(role),
        prefix=f"role{role.pk}",
    )
    if request.method == "GET":
        # Opened in place: put the keyboard focus on the form that just appeared.
        form.fields["role"].widget.attrs["autofocus"] = True
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_role_update(
                org=request.org, actor=request.user, contact_role=role, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, anchor_objects, _("Contact role saved."))
    if is_htmx(request):
        context = contact_roles_section(request, **anchor_objects, edit_form=form, editing=role)
        status = 400 if request.method == "POST" else 200
        return render(request, "customers/_contact_roles.html", context, status=status)
    context = {"form": form, "role": role, "anchor": anchor, **anchor_objects}
    return render(request, "customers/contact_role_form.html", context)


# The organization check comes first, so outsiders get 404 whatever the method.
@org_view(roles=STAFF_ROLES)
@require_POST
def contact_role_end(request: HttpRequest, role_id: int) -> HttpResponse:
    """Unlink: end the role today (kept as history), or delete it if it had not started yet."""
    queryset = ContactRole.objects.select_related("customer", "property")
    role = get_for_org_or_404(queryset, request.org, pk=role_id)
    anchor = _anchor(request)
    anchor_objects = _anchor_objects(role, anchor)
    # htmx asked first (hx-confirm); without JavaScript a page asks.
    if not is_htmx(request) and request.POST.get("confirm") != "1":
        return render(
            request, "customers/contact_role_end_confirm.html", {"role": role, "anchor": anchor}
        )
    previous_end = role.end_date
    try:
        kept = services.contact_role_end(org=request.org, actor=request.user, contact_role=role)
    except ValidationError as exc:
        if is_htmx(request):
            context = contact_roles_section(
                request, **anchor_objects, status=" ".join(exc.messages)
            )
            return render(request, "customers/_contact_roles.html", context, status=400)
        messages.error(request, " ".join(exc.messages))
        return _redirect_to_anchor(request, anchor_objects)
    undo_remember(request, role, previous_end=previous_end, removed=kept is None)
    if kept is None:
        text = _("The link had not started yet, so it was removed.")
    else:
        text = _("Contact role ended today; it stays in the history.")
    return _done(request, anchor_objects, text)


@org_view(roles=STAFF_ROLES)
@require_POST
def contact_role_undo(request: HttpRequest) -> HttpResponse:
    """Undo this person's last unlink (what it was comes from their session, not the form)."""
    anchor = _anchor(request)
    entry = undo_pending(request)
    if entry is None:
        raise Http404
    model = Customer if anchor == "customer" else Property
    anchor_objects = {
        anchor: get_for_org_or_404(model, request.org, pk=entry[anchor]),
    }
    try:
        contact_role_unlink_undo(org=request.org, actor=request.user, entry=entry)
    except ValidationError as exc:
        request.session.pop(SESSION_KEY, None)
        if is_htmx(request):
            context = contact_roles_section(
                request, **anchor_objects, status=" ".join(exc.messages)
            )
            return render(request, "customers/_contact_roles.html", context, status=400)
        messages.error(request, " ".join(exc.messages))
        return _redirect_to_anchor(request, anchor_objects)
    request.session.pop(SESSION_KEY, None)
    return _done(request, anchor_objects, _("Unlink undone."))
