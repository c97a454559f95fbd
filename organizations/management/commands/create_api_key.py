"""Create an API key for an organization and print it (the only time it can be seen)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from organizations.models import Organization
from organizations.services_api_keys import api_key_create
from organizations.tenancy import organization_scope


class Command(BaseCommand):
    help = "Create an API key for an organization and print it once."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="The organization's URL name (slug).")
        parser.add_argument("--name", required=True, help="What the key is for.")

    def handle(self, *args, **options):
        try:
            org = Organization.objects.get(slug=options["org"])
        except Organization.DoesNotExist:
            raise CommandError(f"No organization with the URL name {options['org']!r}.") from None
        try:
            with organization_scope(org):
                api_key, secret = api_key_create(org=org, actor=None, name=options["name"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stderr.write(
            f"Created API key {api_key.prefix}… ({api_key.name}) for {org.name}."
            " Store it now: it cannot be shown again."
        )
        self.stdout.write(secret)
