from django.contrib import admin

from customers.models import ContactRole, Customer, Supplier
from organizations.admin import TenantAdminMixin, TenantInlineMixin


class ContactRoleInline(TenantInlineMixin, admin.TabularInline):
    model = ContactRole
    extra = 0
    fields = ["property", "role", "start_date", "end_date"]
    raw_id_fields = ["property"]


@admin.register(Customer)
class CustomerAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organization", "customer_type", "kind", "email", "phone", "city"]
    list_filter = ["organization", "customer_type", "kind"]
    search_fields = ["name", "email", "phone", "address", "org_number"]
    list_select_related = ["organization"]
    inlines = [ContactRoleInline]


@admin.register(Supplier)
class SupplierAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organization", "trade", "email", "phone", "is_active"]
    list_filter = ["organization", "is_active"]
    search_fields = ["name", "email", "trade", "org_number"]
    list_select_related = ["organization"]
    autocomplete_fields = ["users"]


@admin.register(ContactRole)
class ContactRoleAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["customer", "property", "role", "start_date", "end_date", "organization"]
    list_filter = ["organization", "role"]
    search_fields = ["customer__name", "customer__email", "property__address"]
    list_select_related = ["customer", "property", "organization"]
    raw_id_fields = ["customer", "property"]
