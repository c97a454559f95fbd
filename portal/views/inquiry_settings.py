"""Settings → Inquiry forms: admins list, create, change, reorder and switch off the forms
residents fill in for a new inquiry in the portal."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.scoping import ADMIN_ROLES, for_org, get_for_org_or_404, org_view
from organizations.web import form_page
from portal.forms_inquiry import InquiryFormEditForm
from portal.inquiry.selectors import default_form
from portal.inquiry.services import (
    inquiry_form_create_general,
    inquiry_form_move,
    inquiry_form_save,
    inquiry_form_set_active,
)
from portal.inquiry_forms import asked_fields
from portal.models import InquiryForm


def _list_url(org) -> str:
    return reverse("inquiry_forms:list", kwargs={"org_slug": org.slug})


@org_view(roles=ADMIN_ROLES)
def form_list(request):
    org = request.org
    rows = list(
        for_org(InquiryForm, org).select_related("category").order_by("position", "name", "pk")
    )
    forms = [(f, [a.label for a in asked_fields(f.fields).values()]) for f in rows]
    context = {
        "forms": forms,
        "any_active": any(f.is_active for f in rows),
        "default_form": default_form(org),
        "portal_url": reverse("portal:inquiry_new", args=[org.slug]),
    }
    return render(request, "portal/settings/inquiry_forms.html", context)


@org_view(roles=ADMIN_ROLES)
def form_edit(request, form_id: int | None = None):
    org = request.org
    inquiry_form = get_for_org_or_404(InquiryForm, org, pk=form_id) if form_id else None
    form = InquiryFormEditForm(request.POST or None, org=org, inquiry_form=inquiry_form)
    return form_page(
        request,
        form,
        save=lambda: inquiry_form_save(
            org=org, actor=request.user, inquiry_form=inquiry_form, **form.service_values()
        ),
        saved_message=_("Inquiry form saved."),
        success_url=lambda _obj: _list_url(org),
        template="portal/settings/inquiry_form_edit.html",
        context={"inquiry_form": inquiry_form},
    )


@require_POST
@org_view(roles=ADMIN_ROLES)
def form_create_general(request):
    inquiry_form = inquiry_form_create_general(org=request.org, actor=request.user)
    messages.success(request, _("“%(name)s” is now a form of your own.") % {"name": inquiry_form})
    return redirect("inquiry_forms:edit", org_slug=request.org.slug, form_id=inquiry_form.pk)


@require_POST
@org_view(roles=ADMIN_ROLES)
def form_move(request, form_id: int):
    inquiry_form = get_for_org_or_404(InquiryForm, request.org, pk=form_id)
    up = request.POST.get("direction") != "down"
    inquiry_form_move(org=request.org, actor=request.user, inquiry_form=inquiry_form, up=up)
    return redirect(_list_url(request.org))


@require_POST
@org_view(roles=ADMIN_ROLES)
def form_set_active(request, form_id: int):
    inquiry_form = get_for_org_or_404(InquiryForm, request.org, pk=form_id)
    active = request.POST.get("active") == "1"
    inquiry_form_set_active(
        org=request.org, actor=request.user, inquiry_form=inquiry_form, active=active
    )
    if active:
        messages.success(request, _("“%(name)s” is offered to residents.") % {"name": inquiry_form})
    else:
        messages.success(
            request, _("“%(name)s” is no longer offered to residents.") % {"name": inquiry_form}
        )
    return redirect(_list_url(request.org))
