"""Erasing a customer's personal data (GDPR) also clears it from the audit trail."""

from __future__ import annotations

import json
import zipfile

import pytest

from customers.services import customer_create, customer_update
from inquiries.models import Channel
from inquiries.services.intake import inquiry_receive
from organizations.models_audit import AuditEvent
from privacy.services import customer_erase, customer_export
from tests.audit.support import events_of, last_event

pytestmark = pytest.mark.django_db


def test_erasure_removes_the_person_from_every_event(tenant, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    customer = customer_create(
        org=tenant.org, actor=tenant.admin, name="Kari Nordmann", email="kari@example.net"
    )
    customer_update(org=tenant.org, actor=tenant.admin, customer=customer, phone="+47 912 34 567")
    inquiry = inquiry_receive(
        org=tenant.org,
        channel=Channel.WEB_FORM,
        sender_name="Kari Nordmann",
        sender_email="kari@example.net",
        subject="Lekkasje",
    )

    export = customer_export(org=tenant.org, actor=tenant.admin, customer=customer)
    with zipfile.ZipFile(export) as archive:
        data = json.loads(archive.read("data.json"))
    assert [e["action"] for e in data["events"]] == ["created", "changed"]

    customer_erase(org=tenant.org, actor=tenant.admin, customer=customer, reason="Asked to")

    texts = json.dumps(
        list(AuditEvent.objects.filter(organization=tenant.org).values()), default=str
    )
    for identifier in ("Kari Nordmann", "kari@example.net", "912 34 567"):
        assert identifier not in texts
    assert last_event(customer, "anonymised").actor == tenant.admin
    assert last_event(inquiry, "created").actor_label != "Kari Nordmann"
    assert all(v == ["", ""] for e in events_of(customer, "changed") for v in e.changes.values())
