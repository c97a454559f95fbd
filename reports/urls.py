from django.urls import path

from reports import views_dashboard

app_name = "reports"
urlpatterns: list = [
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path(
        "dashboard/<slug:report>.<str:fmt>",
        views_dashboard.dashboard_download,
        name="dashboard_download",
    ),
]
