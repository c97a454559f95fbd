from django.urls import path

from inquiries import views
from inquiries.views import email as email_views
from inquiries.views import events as event_views

app_name = "inquiries"

urlpatterns = [
    path("", views.inquiry_list, name="inquiry_list"),
    path("bulk/", views.inquiry_bulk, name="inquiry_bulk"),
    path("new/", views.inquiry_register, name="inquiry_register"),
    path("<int:inquiry_id>/", views.inquiry_preview, name="inquiry_preview"),
    path("<int:inquiry_id>/convert/", views.inquiry_convert, name="inquiry_convert"),
    path("<int:inquiry_id>/convert/now/", views.inquiry_convert_now, name="inquiry_convert_now"),
    path("<int:inquiry_id>/deviation/", views.inquiry_deviation, name="inquiry_deviation"),
    path("<int:inquiry_id>/events/", event_views.inquiry_events, name="inquiry_events"),
    path(
        "<int:inquiry_id>/attachments/<int:attachment_id>/",
        views.inquiry_attachment,
        name="inquiry_attachment",
    ),
    path("<int:inquiry_id>/link/", email_views.inquiry_link_case, name="inquiry_link_case"),
    path("settings/", views.intake_settings, name="intake_settings"),
    path(
        "settings/receiving/addresses/",
        email_views.receiving_addresses,
        name="receiving_addresses",
    ),
    path(
        "settings/receiving/addresses/<int:address_id>/primary/",
        email_views.receiving_address_primary,
        name="receiving_address_primary",
    ),
    path(
        "settings/receiving/addresses/<int:address_id>/delete/",
        email_views.receiving_address_remove,
        name="receiving_address_delete",
    ),
    path("settings/receiving/imap/", email_views.imap_mailboxes, name="imap_mailboxes"),
    path("settings/receiving/imap/new/", email_views.imap_mailbox_edit, name="imap_mailbox_new"),
    path(
        "settings/receiving/imap/<int:mailbox_id>/",
        email_views.imap_mailbox_edit,
        name="imap_mailbox_edit",
    ),
    path(
        "settings/receiving/imap/<int:mailbox_id>/delete/",
        email_views.imap_mailbox_remove,
        name="imap_mailbox_delete",
    ),
    path("settings/receiving/emails/", email_views.received_emails, name="received_emails"),
    path(
        "settings/receiving/emails/<int:email_id>/",
        email_views.received_email_detail,
        name="received_email",
    ),
    path(
        "settings/receiving/emails/<int:email_id>/retry/",
        email_views.received_email_retry,
        name="received_email_retry",
    ),
    path("settings/bulk-category/", views.bulk_category_edit, name="bulk_category_edit"),
    path("settings/<slug:group>/", views.intake_rule_edit, name="intake_rule_edit"),
]
