"""Printing under /<org_slug>/print/."""

from django.urls import path

from printing.views import cases, jobs, labels, settings

app_name = "printing"

urlpatterns = [
    path("cases/<int:number>/", cases.case_print, name="case_print"),
    path("cases/<int:number>/labels/", labels.case_labels, name="case_labels"),
    path("labels/", labels.container_labels, name="container_labels"),
    path("labels/<int:container_pk>/", labels.container_label, name="container_label"),
    path("jobs/<int:job_id>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/download/", jobs.job_download, name="job_download"),
    path("settings/", settings.print_settings, name="settings"),
]
