from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["text", "recipient", "kind", "organization", "created_at", "read_at"]
    list_filter = ["organization", "kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["text", "recipient__email"]
    raw_id_fields = ["recipient", "actor"]
    readonly_fields = ["created_at"]
    date_hierarchy = "created_at"
