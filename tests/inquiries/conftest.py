"""Fixtures for the inquiry tests: inquiries made through the real intake service."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from cases.models import Category
from cases.services.categories import category_ensure_defaults
from inquiries.models import Channel, Inquiry
from inquiries.services.intake import inquiry_receive
from tests.factories.customers import CustomerFactory


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def categories(tenant):
    category_ensure_defaults(tenant.org)
    return {c.key: c for c in Category.objects.filter(organization=tenant.org)}


def make_customer(**fields):
    # The factory's Norwegian faker locale is not available everywhere: name things ourselves.
    fields.setdefault("name", "Kari Kunde")
    fields.setdefault("address", "Storgata 1")
    return CustomerFactory(**fields)


@pytest.fixture
def make_inquiry(tenant):
    counter = iter(range(1, 100000))

    def make(org=None, **fields) -> Inquiry:
        n = next(counter)
        fields.setdefault("channel", Channel.WEB_FORM)
        fields.setdefault("sender_name", f"Kari Kunde {n}")
        fields.setdefault("sender_email", f"kari{n}@example.net")
        fields.setdefault("subject", f"Dripping tap {n}")
        fields.setdefault("message", "The kitchen tap drips all night.")
        return inquiry_receive(org=org or tenant.org, **fields)

    return make


def bulk_inquiries(org, count, *, channel=Channel.WEB_FORM, **fields) -> list[Inquiry]:
    """Many unprocessed inquiries in one insert (for the bulk tests, not through intake)."""
    rows = [
        Inquiry(
            organization=org,
            channel=channel,
            sender_name=f"Sender {n}",
            sender_email=f"sender{n}@example.net",
            subject=f"Inquiry {n}",
            message="Crack in the wall",
            **fields,
        )
        for n in range(count)
    ]
    return Inquiry.objects.bulk_create(rows)


def set_rule(org, channel, *, assignees=None, teams=None, **fields):
    from inquiries.services.intake import intake_rule_for

    rule = intake_rule_for(org, channel)
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.save()
    if assignees is not None:
        rule.assignees.set(assignees)
    if teams is not None:
        rule.teams.set(teams)
    return rule


@pytest.fixture
def staff(tenant):
    """Three more caseworkers of the tenant, for round-robin."""
    from organizations.models import Membership
    from tests.factories.organizations import MembershipFactory, UserFactory

    users = [UserFactory(email=f"worker{i}@alpha.example") for i in range(3)]
    for user in users:
        MembershipFactory(organization=tenant.org, user=user, role=Membership.Role.CASEWORKER)
    return sorted(users, key=lambda u: u.pk)
