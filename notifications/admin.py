from django.contrib import admin

from notifications.models import (
    MessageTemplate,
    Notification,
    OutboundMessage,
    ReceivingAddress,
    SavedReply,
)
from organizations.admin import TenantAdminMixin


@admin.register(Notification)
class NotificationAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["text", "recipient", "kind", "organization", "created_at", "read_at"]
    list_filter = ["organization", "kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["text", "recipient__email"]
    raw_id_fields = ["recipient", "actor"]
    readonly_fields = ["created_at"]
    date_hierarchy = "created_at"


@admin.register(OutboundMessage)
class OutboundMessageAdmin(TenantAdminMixin, admin.ModelAdmin):
    """Read-only: the outbox is written by services and providers, never by hand."""

    list_display = ["to", "channel", "kind", "status", "attempts", "organization", "created_at"]
    list_filter = ["status", "channel", "kind", "organization"]
    search_fields = ["to", "subject", "message_id", "provider_message_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MessageTemplate)
class MessageTemplateAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "language", "organization", "updated_at"]
    list_filter = ["organization", "kind", "language"]


@admin.register(SavedReply)
class SavedReplyAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["title", "organization"]
    list_filter = ["organization"]
    search_fields = ["title", "body"]


@admin.register(ReceivingAddress)
class ReceivingAddressAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["address", "organization", "is_primary"]
    list_filter = ["organization"]
    search_fields = ["address"]
