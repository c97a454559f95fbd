from django.urls import path

from properties.views import agreements, containers, events, properties

app_name = "properties"

urlpatterns = [
    path("", properties.property_list, name="property_list"),
    path("new/", properties.property_create, name="property_create"),
    path("autocomplete/", properties.property_autocomplete, name="property_autocomplete"),
    path("options/", properties.property_options, name="property_options"),
    path("<int:property_id>/", properties.property_detail, name="property_detail"),
    path("<int:property_id>/edit/", properties.property_edit, name="property_edit"),
    path("<int:property_id>/events/", events.property_events, name="property_events"),
    path("containers/", containers.container_list, name="container_list"),
    path("containers/new/", containers.container_create, name="container_create"),
    path(
        "containers/autocomplete/",
        containers.container_autocomplete,
        name="container_autocomplete",
    ),
    path("containers/<int:container_pk>/", containers.container_detail, name="container_detail"),
    path("containers/<int:container_pk>/edit/", containers.container_edit, name="container_edit"),
    path("agreements/new/", agreements.agreement_create, name="agreement_create"),
    path("agreements/<int:agreement_id>/edit/", agreements.agreement_edit, name="agreement_edit"),
]
