from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # A new language re-stems the organization's searchable text (search/services.py).
        from organizations.services import register_language_changed
        from search.tasks import language_changed

        register_language_changed(language_changed)
