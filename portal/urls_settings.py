"""Settings → Inquiry forms (what residents fill in in the portal), under
/<org>/settings/inquiry-forms/."""

from django.urls import path

from portal.views import inquiry_settings as views

app_name = "inquiry_forms"

urlpatterns = [
    path("", views.form_list, name="list"),
    path("new/", views.form_edit, name="new"),
    path("general/", views.form_create_general, name="create_general"),
    path("<int:form_id>/", views.form_edit, name="edit"),
    path("<int:form_id>/move/", views.form_move, name="move"),
    path("<int:form_id>/active/", views.form_set_active, name="set_active"),
]
