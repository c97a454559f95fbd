"""Settings → Saved replies. Included under /<org>/settings/saved-replies/ (by cases.urls, so the
names are cases:saved_reply_*; notifications must not import cases, only be included by it)."""

from django.urls import path

from notifications import views_settings as views

urlpatterns = [
    path("", views.saved_reply_list, name="saved_reply_list"),
    path("new/", views.saved_reply_edit, name="saved_reply_new"),
    path("<int:saved_reply_id>/", views.saved_reply_edit, name="saved_reply_edit"),
    path(
        "<int:saved_reply_id>/delete/",
        views.saved_reply_delete_view,
        name="saved_reply_delete",
    ),
]
