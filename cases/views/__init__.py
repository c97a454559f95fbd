from django.shortcuts import render

from organizations.scoping import ALL_ROLES, STAFF_ROLES, org_view


@org_view(roles=STAFF_ROLES)
def inbox(request):
    return render(request, "cases/inbox.html", {})


@org_view(roles=STAFF_ROLES)
def case_list(request):
    return render(request, "cases/inbox.html", {})


@org_view(roles=ALL_ROLES)
def supplier_work(request):
    return render(request, "cases/supplier_work.html", {})


@org_view(roles=STAFF_ROLES)
def case_detail(request, number: int):
    from django.http import Http404

    raise Http404
