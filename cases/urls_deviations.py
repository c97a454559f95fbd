from django.urls import path

from cases.views.deviations import detail, edit, events, lists, tasks

# Below /<org>/deviations/: the register, its CSV export, and each deviation's page.
urlpatterns = [
    path("", lists.deviation_list_view, name="deviation_list"),
    path("export.csv", lists.deviation_export, name="deviation_export"),
    path("new/", edit.deviation_new, name="deviation_new"),
    path("<int:deviation_number>/", detail.deviation_detail, name="deviation_detail"),
    path("<int:deviation_number>/edit/", edit.deviation_edit, name="deviation_edit"),
    path("<int:deviation_number>/events/", events.deviation_events, name="deviation_events"),
    path("<int:deviation_number>/status/", detail.deviation_status_view, name="deviation_status"),
    path("<int:deviation_number>/files/", detail.deviation_files_view, name="deviation_files"),
    path(
        "<int:deviation_number>/files/<int:deviation_file_id>/",
        detail.deviation_file_download,
        name="deviation_file",
    ),
    path(
        "<int:deviation_number>/files/<int:deviation_file_id>/thumbnail/",
        detail.deviation_file_thumbnail,
        name="deviation_file_thumbnail",
    ),
    path("<int:deviation_number>/tasks/", tasks.deviation_task_add, name="deviation_task_add"),
    path(
        "<int:deviation_number>/tasks/<int:deviation_task_id>/",
        tasks.deviation_task_detail,
        name="deviation_task_detail",
    ),
    path(
        "<int:deviation_number>/tasks/<int:deviation_task_id>/complete/",
        tasks.deviation_task_complete,
        name="deviation_task_complete",
    ),
    path(
        "<int:deviation_number>/tasks/<int:deviation_task_id>/reopen/",
        tasks.deviation_task_reopen,
        name="deviation_task_reopen",
    ),
]
