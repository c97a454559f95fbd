"""Create or refresh the demo organizations and their data. Safe to run again."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from organizations.demo import DEMO_PASSWORD, logins
from organizations.tenancy import all_organizations


class Command(BaseCommand):
    help = "Create three demo organizations with users and data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")

    def handle(self, *args, **options):
        context: dict = {}
        # Each app may ship a `demo` module with `seed(context)`; they run in INSTALLED_APPS
        # order, which follows the import stack, so lower apps' data exists before higher ones.
        with (
            all_organizations("the demo seeds several organizations"),
            transaction.atomic(),
            translation.override("en"),
        ):
            for config in apps.get_app_configs():
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                module.seed(context)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        if not options["quiet_logins"]:
            self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
            with all_organizations("the demo logins of every organization"):
                rows = list(logins())
            for org, role, email in rows:
                self.stdout.write(f"  {email:34} {role:15} {org}")
