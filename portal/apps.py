from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from cases.services.messages import channel_preference_register
        from customers import personal_data
        from portal.personal_data_part import PART
        from portal.selectors import notify_preference

        personal_data.register(PART)
        # The case's automatic resolution notice follows the resident's e-mail/SMS choice.
        channel_preference_register(notify_preference)
