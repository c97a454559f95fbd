from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        # The nightly purge of deleted inquiries follows the organizations' retention policies.
        from inquiries.services.lifecycle import register_purge_policy
        from privacy.retention import deleted_inquiries_purged, deleted_inquiry_days_by_org

        register_purge_policy(deleted_inquiry_days_by_org, deleted_inquiries_purged)
