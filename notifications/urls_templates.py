"""Settings → Messages (the organization's message templates), under /<org>/settings/messages/."""

from django.urls import path

from notifications import views_templates as views

app_name = "message_templates"

urlpatterns = [
    path("", views.template_list, name="list"),
    path("<slug:kind>/<slug:language>/", views.template_edit, name="edit"),
    path("<slug:kind>/<slug:language>/reset/", views.template_reset, name="reset"),
]
