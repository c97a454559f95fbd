from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from cases import signals  # noqa: F401
        from cases.personal_data import PART
        from customers import personal_data

        personal_data.register(PART)

        from cases.views.deviations.events import register_links as register_deviation_links
        from cases.views.events import register_links

        register_links()
        register_deviation_links()
