from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class InquiriesConfig(AppConfig):
    name = "inquiries"
    verbose_name = _("Inquiries")

    def ready(self) -> None:
        from inquiries.models import IntakeRule
        from inquiries.services.rules import forget_cached_rule

        post_save.connect(forget_cached_rule, sender=IntakeRule, dispatch_uid="intake_rule_cache")
        post_delete.connect(
            forget_cached_rule, sender=IntakeRule, dispatch_uid="intake_rule_cache_delete"
        )

        from customers import personal_data
        from inquiries.personal_data import PART

        personal_data.register(PART)

        from inquiries.views.events import register_links

        register_links()
