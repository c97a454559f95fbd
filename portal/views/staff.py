"""The one staff action of the portal: invite a customer (a button on the customer page).

It lives here, not in `customers`, because customers sits below portal in the import stack;
the customer page only links to this URL by name."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.models import Customer
from organizations.scoping import get_for_org_or_404, org_view
from portal.services.accounts import account_invite


@require_POST
@org_view()
def customer_invite(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_for_org_or_404(Customer, request.org, pk=customer_id)
    try:
        account = account_invite(org=request.org, actor=request.user, customer=customer)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("An invitation to the resident pages will be e-mailed to %(email)s.")
            % {"email": account.email},
        )
    return redirect(reverse("customers:customer_detail", args=[request.org.slug, customer.pk]))
