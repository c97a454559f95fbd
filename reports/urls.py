from django.urls import path

from reports import views_dashboard
from reports.views import exports, saved_views

app_name = "reports"
urlpatterns: list = [
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path(
        "dashboard/<slug:report>.<str:fmt>",
        views_dashboard.dashboard_download,
        name="dashboard_download",
    ),
    path("cases/export/", exports.case_export, name="case_export"),
    path("exports/<int:export_id>/", exports.export_job, name="export_job"),
    path("exports/<int:export_id>/download/", exports.export_download, name="export_download"),
    path("views/", saved_views.saved_view_list, name="saved_views"),
    path("views/new/", saved_views.saved_view_new, name="saved_view_new"),
    path("views/menu/", saved_views.saved_views_menu, name="saved_views_menu"),
    path("views/<int:view_id>/edit/", saved_views.saved_view_edit, name="saved_view_edit"),
    path("views/<int:view_id>/delete/", saved_views.saved_view_remove, name="saved_view_delete"),
]
