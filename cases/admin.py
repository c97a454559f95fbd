"""Admin for cases. The admin is for support staff: history is read-only, and changes made here
bypass the services (no events), so prefer the case page for anything a customer would see."""

from django.contrib import admin

from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    Category,
    Note,
    NotificationRequest,
    Tag,
    Task,
    TimeEntry,
)
from organizations.admin import TenantAdminMixin, TenantInlineMixin


class CaseEventInline(TenantInlineMixin, admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor", "field", "old_value", "new_value"]
    readonly_fields = fields
    ordering = ["created_at", "id"]
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class TaskInline(TenantInlineMixin, admin.TabularInline):
    model = Task
    extra = 0
    fields = ["title", "status", "assignee", "supplier", "due_date"]
    raw_id_fields = ["assignee", "supplier"]
    show_change_link = True


@admin.register(Case)
class CaseAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "organization",
        "status",
        "priority",
        "category",
        "assignee",
        "deadline",
        "created_at",
    ]
    list_display_links = ["number", "title"]
    list_filter = ["organization", "status", "priority", "source", "category"]
    search_fields = ["title", "external_reference", "customer__name", "=number"]
    date_hierarchy = "created_at"
    list_select_related = ["organization", "category", "assignee"]
    raw_id_fields = [
        "organization",
        "category",
        "assignee",
        "supplier",
        "customer",
        "property",
        "created_by",
        "teams",
        "tags",
        "containers",
    ]
    readonly_fields = [
        "number",
        "created_at",
        "updated_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
    ]
    inlines = [TaskInline, CaseEventInline]


@admin.register(CaseEvent)
class CaseEventAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["case", "kind", "actor", "field", "created_at", "organization"]
    list_filter = ["organization", "kind"]
    search_fields = ["case__title", "old_value", "new_value"]
    list_select_related = ["case", "actor", "organization"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "key", "organization", "is_active", "is_bulk_default", "position"]
    list_filter = ["organization", "is_active"]
    search_fields = ["name", "key"]


@admin.register(Tag)
class TagAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organization"]
    list_filter = ["organization"]
    search_fields = ["name"]


@admin.register(Note)
class NoteAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "case", "author", "organization", "created_at"]
    list_filter = ["organization"]
    search_fields = ["body"]
    raw_id_fields = ["case", "author", "mentions"]


@admin.register(Task)
class TaskAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["title", "case", "status", "assignee", "supplier", "due_date", "organization"]
    list_filter = ["organization", "status"]
    search_fields = ["title", "description"]
    raw_id_fields = ["case", "assignee", "supplier", "completed_by", "created_by"]


@admin.register(Attachment)
class AttachmentAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["original_name", "case", "content_type", "size", "organization", "created_at"]
    list_filter = ["organization", "content_type"]
    search_fields = ["original_name"]
    raw_id_fields = ["case", "note", "task", "uploaded_by"]
    readonly_fields = ["stored_name", "content_type", "size", "file", "thumbnail"]


@admin.register(TimeEntry)
class TimeEntryAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["case", "user", "minutes", "date", "organization"]
    list_filter = ["organization"]
    raw_id_fields = ["case", "user"]


@admin.register(NotificationRequest)
class NotificationRequestAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["case", "audience", "channel", "reason", "status", "organization"]
    list_filter = ["organization", "status", "audience", "channel"]
    raw_id_fields = ["case", "requested_by"]
