"""The portal's staff action, under /<org-slug>/ with the other staff pages: invite a customer
(the button on the customer page). The view lives in portal because customers sits below it in
the import stack; the customer page links to it by name."""

from django.urls import path

from portal.views import staff

app_name = "portal_staff"

urlpatterns = [
    path(
        "customers/<int:customer_id>/portal-invite/",
        staff.customer_invite,
        name="customer_invite",
    ),
]
