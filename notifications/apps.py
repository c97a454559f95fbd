from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # organizations (below us in the import stack) sends account e-mails through us.
        from notifications.accounts import account_email_queue
        from organizations.account_email import register_account_email_sender

        register_account_email_sender(account_email_queue)

        from customers import personal_data
        from notifications.personal_data import PART

        personal_data.register(PART)
