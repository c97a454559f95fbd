""" "My work": for supplier users the tasks and cases given to their supplier, for staff their own
open tasks. Only rows of the organization in the URL."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.selectors.work import (
    WORK_LIMIT,
    my_open_tasks,
    supplier_cases,
    supplier_tasks,
    suppliers_of_user,
)
from organizations.scoping import ALL_ROLES, org_view


@org_view(roles=ALL_ROLES)
def supplier_work(request: HttpRequest) -> HttpResponse:
    org, user = request.org, request.user
    show_all = request.GET.get("show") == "all"
    context: dict = {"show_all": show_all, "limit": WORK_LIMIT}
    if request.membership.is_staff_role:
        context["tasks"] = list(my_open_tasks(org, user)[: WORK_LIMIT + 1])
        context["cases"] = None
        context["suppliers"] = []
    else:
        suppliers = suppliers_of_user(org, user)
        context["suppliers"] = suppliers
        context["tasks"] = list(supplier_tasks(org, user, include_done=show_all)[: WORK_LIMIT + 1])
        context["cases"] = (
            list(supplier_cases(org, suppliers, include_closed=show_all)[: WORK_LIMIT + 1])
            if suppliers
            else []
        )
    context["more_tasks"] = len(context["tasks"]) > WORK_LIMIT
    context["tasks"] = context["tasks"][:WORK_LIMIT]
    if context["cases"]:
        context["more_cases"] = len(context["cases"]) > WORK_LIMIT
        context["cases"] = context["cases"][:WORK_LIMIT]
    return render(request, "cases/supplier_work.html", context)
