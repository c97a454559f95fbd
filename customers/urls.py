from django.urls import path

from customers.views import contact_roles, customers, events, suppliers

app_name = "customers"

urlpatterns = [
    path("", customers.customer_list, name="customer_list"),
    path("new/", customers.customer_create, name="customer_create"),
    path("autocomplete/", customers.customer_autocomplete, name="customer_autocomplete"),
    path("options/", customers.customer_options, name="customer_options"),
    path("<int:customer_id>/", customers.customer_detail, name="customer_detail"),
    path("<int:customer_id>/edit/", customers.customer_edit, name="customer_edit"),
    path("<int:customer_id>/events/", events.customer_events, name="customer_events"),
    path("roles/new/", contact_roles.contact_role_add, name="contact_role_add"),
    path("roles/<int:role_id>/edit/", contact_roles.contact_role_edit, name="contact_role_edit"),
    path("roles/<int:role_id>/end/", contact_roles.contact_role_end, name="contact_role_end"),
    path("roles/undo/", contact_roles.contact_role_undo, name="contact_role_undo"),
    path("suppliers/", suppliers.supplier_list, name="supplier_list"),
    path("suppliers/new/", suppliers.supplier_create, name="supplier_create"),
    path("suppliers/<int:supplier_id>/", suppliers.supplier_detail, name="supplier_detail"),
    path("suppliers/<int:supplier_id>/edit/", suppliers.supplier_edit, name="supplier_edit"),
    path("suppliers/<int:supplier_id>/events/", events.supplier_events, name="supplier_events"),
]
