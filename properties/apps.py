from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertiesConfig(AppConfig):
    name = "properties"
    verbose_name = _("Properties")

    def ready(self) -> None:
        from properties.views.events import register_links

        register_links()  # the events pages' links to properties, containers and agreements
