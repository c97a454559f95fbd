from django.urls import path

from inquiries import views

app_name = "inquiries"

urlpatterns = [
    path("", views.inquiry_list, name="inquiry_list"),
    path("bulk/", views.inquiry_bulk, name="inquiry_bulk"),
    path("new/", views.inquiry_register, name="inquiry_register"),
    path("<int:inquiry_id>/", views.inquiry_preview, name="inquiry_preview"),
    path("<int:inquiry_id>/convert/", views.inquiry_convert, name="inquiry_convert"),
    path(
        "<int:inquiry_id>/attachments/<int:attachment_id>/",
        views.inquiry_attachment,
        name="inquiry_attachment",
    ),
    path("settings/", views.intake_settings, name="intake_settings"),
    path("settings/bulk-category/", views.bulk_category_edit, name="bulk_category_edit"),
    path("settings/<slug:group>/", views.intake_rule_edit, name="intake_rule_edit"),
]
