"""The Django admin: a tool for the people who run the installation (superusers and staff),
so it works across organizations, and says so (organizations/tenancy.py). Forms still refuse
linking a row to another organization's objects (organizations/admin.py)."""

from __future__ import annotations

import functools

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from organizations import tenancy


class SaksflytAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def wrapped(request, *args, **kwargs):
            if request.user.is_active and request.user.is_staff:
                tenancy.activate_all_organizations("the admin runs the whole installation")
            return inner(request, *args, **kwargs)

        return wrapped


class SaksflytAdminConfig(AdminConfig):
    default_site = "config.admin.SaksflytAdminSite"
