"""Demo data: every demo organization has a primary receiving address and saved replies in its
own language, and seeding twice adds nothing."""

from __future__ import annotations

import io

from django.core.management import call_command

from notifications.models import ReceivingAddress, SavedReply
from organizations.models import Organization


def test_demo_orgs_get_an_address_and_saved_replies_once(db):
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
    counts = (ReceivingAddress.objects.count(), SavedReply.objects.count())
    for org in Organization.objects.all():
        primary = ReceivingAddress.objects.get(organization=org, is_primary=True)
        assert primary.address == f"post@{org.slug}.saksflyt.localhost"
        assert SavedReply.objects.filter(organization=org).count() == 3
    hyresbo = Organization.objects.get(slug="hyresbo")
    assert SavedReply.objects.filter(organization=hyresbo, title="Tack för ditt ärende").exists()
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
    assert (ReceivingAddress.objects.count(), SavedReply.objects.count()) == counts
