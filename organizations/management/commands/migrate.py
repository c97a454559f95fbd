"""`migrate` on the schema owner's connection when the application connects as its own role
(DATABASE_APP_USER, see config/settings.py): the application role may not change the schema."""

from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections


class Command(migrate.Command):
    def handle(self, *args, **options):
        if options["database"] == DEFAULT_DB_ALIAS and "owner" in connections:
            options["database"] = "owner"
        return super().handle(*args, **options)
