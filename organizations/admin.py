"""The Django admin, and the rule every app's admin follows for tenant rows (issue 10).

The admin is for the people who run the installation and works across organizations
(config/admin.py).

Rule: a row is never linked to another organization's rows through the admin. Every admin of a
model with an `organization` uses `TenantAdminMixin` (inlines: `TenantInlineMixin`); its form
refuses, with "That belongs to another organization.", any chosen object — foreign key, raw id,
autocomplete or many-to-many — whose `organization_id` is not the row's, and any user who has no
membership in the row's organization. A row's organization is chosen when it is added and is
read-only afterwards; inline rows take their parent's. Many-to-many links (case teams, team
members...) are edited as plain fields: their link rows carry the organization
(organizations/links.py) and fill it from the row being saved. tests/tenancy/test_admin.py holds
every registered admin to this.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.forms.models import InlineForeignKeyField
from django.utils.translation import gettext_lazy as _

from organizations.links import TenantManyToManyField
from organizations.models import Membership, Organization, Team, User

FOREIGN = _("That belongs to another organization.")


def _chosen(value) -> list[models.Model]:
    if isinstance(value, models.Model):
        return [value]
    if isinstance(value, models.QuerySet | list | tuple):
        return [v for v in value if isinstance(v, models.Model)]
    return []


def foreign_fields(form: forms.BaseForm, organization_id: int, skip=()) -> list[str]:
    """The names of `form`'s cleaned fields that name a row of another organization, or a user
    without a membership in `organization_id`."""
    foreign, users = [], {}
    for name, value in form.cleaned_data.items():
        if name in skip:
            continue
        for obj in _chosen(value):
            if isinstance(obj, User):
                users.setdefault(name, set()).add(obj.pk)
            elif getattr(obj, "organization_id", organization_id) != organization_id:
                foreign.append(name)
                break
    if users:
        members = set(
            Membership.objects.filter(
                organization_id=organization_id,
                user_id__in={pk for ids in users.values() for pk in ids},
            ).values_list("user_id", flat=True)
        )
        foreign += [name for name, ids in users.items() if ids - members and name not in foreign]
    return foreign


def _refuse_foreign(form: forms.BaseForm, organization_id: int | None, skip=()) -> None:
    if organization_id is None:
        return
    for name in foreign_fields(form, organization_id, skip):
        form.add_error(name, FOREIGN)


class TenantAdminForm(forms.ModelForm):
    """The admin form of a tenant row: every linked object belongs to the row's organization."""

    # Fields whose users need no membership (the membership's own user).
    tenant_unchecked_fields: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        if "organization" in self.fields:
            organization = cleaned.get("organization")
            organization_id = organization.pk if organization else None
        else:
            organization_id = self.instance.organization_id
        _refuse_foreign(self, organization_id, self.tenant_unchecked_fields)
        return cleaned


class TenantAdminMixin:
    """For the ModelAdmin of every model with an `organization` (see the module's docstring)."""

    form = TenantAdminForm
    tenant_unchecked_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and "organization" not in fields:
            fields.append("organization")
        return fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.tenant_unchecked_fields = tuple(self.tenant_unchecked_fields)
        return form

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Django leaves a many-to-many field with its own link model out of admin forms; ours
        # fill the link's organization themselves, so they stay ordinary fields.
        if not isinstance(db_field, TenantManyToManyField):
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        db = kwargs.get("using")
        if "widget" not in kwargs:
            if db_field.name in self.get_autocomplete_fields(request):
                kwargs["widget"] = widgets.AutocompleteSelectMultiple(
                    db_field, self.admin_site, using=db
                )
            elif db_field.name in self.raw_id_fields:
                kwargs["widget"] = widgets.ManyToManyRawIdWidget(
                    db_field.remote_field, self.admin_site, using=db
                )
        if "queryset" not in kwargs:
            queryset = self.get_field_queryset(db, db_field, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return db_field.formfield(**kwargs)


class TenantInlineForm(forms.ModelForm):
    """An inline row takes its parent's organization; what it links must belong to it too."""

    def clean(self):
        cleaned = super().clean()
        parent = next(
            (
                f.parent_instance
                for f in self.fields.values()
                if isinstance(f, InlineForeignKeyField)
            ),
            None,
        )
        if parent is None:
            return cleaned
        organization_id = parent.pk if isinstance(parent, Organization) else parent.organization_id
        if organization_id is not None and hasattr(self.instance, "organization_id"):
            self.instance.organization_id = organization_id
        _refuse_foreign(self, organization_id, ("user",) if self._meta.model is Membership else ())
        return cleaned


class TenantInlineMixin:
    form = TenantInlineForm


class MembershipInline(TenantInlineMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "default_language", "time_zone", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_active", "is_staff", "last_login"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["full_name", "phone", "language"]}),
        (
            _("Notifications by e-mail"),
            {
                "fields": [
                    "notify_mentions_by_email",
                    "notify_assignments_by_email",
                    "notify_tasks_by_email",
                ]
            },
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Membership)
class MembershipAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["user", "organization", "role", "is_active"]
    list_filter = ["organization", "role", "is_active"]
    search_fields = ["user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    tenant_unchecked_fields = ("user",)  # the membership is what makes the user a member


@admin.register(Team)
class TeamAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organization"]
    list_filter = ["organization"]
    autocomplete_fields = ["members"]
