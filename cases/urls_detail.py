from django.urls import path

from cases.views import (
    attachments,
    detail,
    detail_fields,
    detail_nav,
    events,
    merge,
    messages,
    notes,
    tags,
    tasks,
    time,
)

# Below /<org>/cases/<number>/: the case page and everything done on it.
urlpatterns = [
    path("", detail.case_detail, name="case_detail"),
    path("events/", events.case_events, name="case_events"),
    path("field/<slug:field>/", detail_fields.case_field, name="case_field"),
    path("field/assignee/options/", detail_fields.assignee_options_view, name="assignee_options"),
    path("next/", detail_nav.case_next, name="case_next"),
    path("previous/", detail_nav.case_previous, name="case_previous"),
    path("close/", detail.case_close_view, name="case_close"),
    path("close/confirm/", merge.case_close_confirm_view, name="case_close_confirm"),
    path("reopen/", detail.case_reopen_view, name="case_reopen"),
    path("merge/", merge.case_merge_view, name="case_merge"),
    path("notes/", notes.note_add_view, name="note_add"),
    path("mention-candidates/", notes.mention_candidates_view, name="mention_candidates"),
    path("reply/", messages.reply_send_view, name="reply_send"),
    path("forward/", messages.forward_send_view, name="forward_send"),
    path("messages/<int:message_id>/", messages.message_status_view, name="message_status"),
    path("messages/<int:message_id>/retry/", messages.message_retry_view, name="message_retry"),
    path("tasks/", tasks.task_add_view, name="task_add"),
    path("tasks/<int:task_id>/", tasks.task_detail, name="task_detail"),
    path("tasks/<int:task_id>/complete/", tasks.task_complete_view, name="task_complete"),
    path("tasks/<int:task_id>/reopen/", tasks.task_reopen_view, name="task_reopen"),
    path("attachments/", attachments.attachment_add_view, name="attachment_add"),
    path(
        "attachments/<int:attachment_id>/",
        attachments.attachment_download,
        name="attachment_download",
    ),
    path(
        "attachments/<int:attachment_id>/thumbnail/",
        attachments.attachment_thumbnail,
        name="attachment_thumbnail",
    ),
    path("time/", time.time_entry_add_view, name="time_entry_add"),
    path("tags/", tags.tag_add_view, name="tag_add"),
    path("tags/<int:tag_id>/remove/", tags.tag_remove_view, name="tag_remove"),
]
