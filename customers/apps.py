from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from customers import personal_data
        from customers.personal_data_part import PART

        personal_data.register(PART)

        from customers.personal_data_audit import PART as EVENTS_PART
        from customers.views.events import register_links

        # After the customers part, so it erases before it (the parts erase in reverse).
        personal_data.register(EVENTS_PART)

        register_links()
