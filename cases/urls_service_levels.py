"""Settings → Service levels (included under settings/service-levels/ by cases/urls.py)."""

from django.urls import path

from cases.views import service_levels as views

urlpatterns = [
    path("", views.service_levels, name="service_levels"),
    path("new/", views.service_level_edit, name="service_level_new"),
    path("<int:policy_id>/", views.service_level_edit, name="service_level_edit"),
    path("<int:policy_id>/delete/", views.service_level_delete, name="service_level_delete"),
]
