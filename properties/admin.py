from django.contrib import admin

from organizations.admin import TenantAdminMixin, TenantInlineMixin
from properties.models import Agreement, Container, Property


class ContainerInline(TenantInlineMixin, admin.TabularInline):
    model = Container
    extra = 0
    fields = ["container_id", "fraction", "container_type", "size_litres"]


@admin.register(Property)
class PropertyAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = [
        "address",
        "name",
        "property_number",
        "property_type",
        "city",
        "parent",
        "organization",
    ]
    list_filter = ["organization", "property_type"]
    search_fields = ["address", "name", "property_number", "city"]
    list_select_related = ["parent", "organization"]
    raw_id_fields = ["parent"]
    inlines = [ContainerInline]


@admin.register(Container)
class ContainerAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["container_id", "fraction", "container_type", "property", "organization"]
    list_filter = ["organization", "fraction"]
    search_fields = ["container_id", "fraction", "property__address"]
    list_select_related = ["property", "organization"]
    raw_id_fields = ["property"]


@admin.register(Agreement)
class AgreementAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = [
        "property",
        "customer",
        "period_start",
        "period_end",
        "price",
        "currency",
        "organization",
    ]
    list_filter = ["organization", "currency"]
    search_fields = ["property__address", "customer__name", "description"]
    list_select_related = ["property", "customer", "organization"]
    raw_id_fields = ["property", "customer"]
