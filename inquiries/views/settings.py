"""Intake rule settings (seed 002): admins only, one tab per channel group."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.services.categories import category_for_bulk
from inquiries.forms.rules import BulkCategoryForm, IntakeRuleForm
from inquiries.models import IntakeRule
from inquiries.services.rules import bulk_category_set, intake_rule_for_group, intake_rule_update
from organizations.scoping import ADMIN_ROLES, org_view
from organizations.web import add_service_errors


@org_view(roles=ADMIN_ROLES)
def intake_settings(request: HttpRequest) -> HttpResponse:
    return redirect(
        "inquiries:intake_rule_edit",
        org_slug=request.org.slug,
        group=IntakeRule.ChannelGroup.EXTERNAL,
    )


def _tabs() -> list[tuple[str, str]]:
    return list(IntakeRule.ChannelGroup.choices)


@org_view(roles=ADMIN_ROLES)
def intake_rule_edit(request: HttpRequest, group: str) -> HttpResponse:
    if group not in IntakeRule.ChannelGroup.values:
        raise Http404
    org = request.org
    rule = intake_rule_for_group(org, group)
    if request.method == "POST":
        form = IntakeRuleForm(request.POST, org=org, rule=rule)
        if form.is_valid():
            try:
                intake_rule_update(org=org, actor=request.user, rule=rule, **form.changes())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The settings were saved."))
                return redirect("inquiries:intake_rule_edit", org_slug=org.slug, group=group)
    else:
        form = IntakeRuleForm(org=org, rule=rule)
    return render(
        request,
        "inquiries/settings/rule_form.html",
        {"form": form, "rule": rule, "group": group, "tabs": _tabs()},
    )


@org_view(roles=ADMIN_ROLES)
def bulk_category_edit(request: HttpRequest) -> HttpResponse:
    org = request.org
    if request.method == "POST":
        form = BulkCategoryForm(request.POST, org=org)
        if form.is_valid():
            try:
                bulk_category_set(org=org, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The settings were saved."))
                return redirect("inquiries:bulk_category_edit", org_slug=org.slug)
    else:
        form = BulkCategoryForm(org=org, initial={"category": category_for_bulk(org)})
    return render(
        request,
        "inquiries/settings/bulk_category.html",
        {"form": form, "group": "bulk", "tabs": _tabs()},
    )
