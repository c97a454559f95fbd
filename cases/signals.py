"""Give every new organization its starting list of case categories."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from organizations.models import Organization


@receiver(post_save, sender=Organization, dispatch_uid="cases_default_categories")
def organization_created(sender, instance: Organization, created: bool, raw: bool = False, **kw):
    if created and not raw:
        from cases.services.categories import category_ensure_defaults

        category_ensure_defaults(instance)
