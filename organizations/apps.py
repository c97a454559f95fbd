from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organizations and users")

    def ready(self) -> None:
        from organizations import directory, rls

        post_migrate.connect(rls.on_post_migrate, dispatch_uid="organizations.rls")
        directory.connect()
