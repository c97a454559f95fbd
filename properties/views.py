from django.shortcuts import render

from organizations.scoping import STAFF_ROLES, org_view


@org_view(roles=STAFF_ROLES)
def property_list(request):
    return render(request, "cases/inbox.html", {})
