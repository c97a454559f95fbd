"""Fixtures of the audit trail tests."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from customers.services import customer_create
from organizations.models_audit import AuditEvent
from organizations.services import team_save
from tests.audit.support import last_event
from tests.factories.cases import make_case


@pytest.fixture
def history(tenant):
    """Events in three modules by two people, one of them three days ago."""
    customer = customer_create(org=tenant.org, actor=tenant.caseworker, name="Kari Nordmann")
    team = team_save(org=tenant.org, actor=tenant.admin, name="Drift", members=[])
    case = make_case(tenant.org, tenant.caseworker, title="Lekkasje")
    old = last_event(customer, "created")
    AuditEvent.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    return {"customer": customer, "team": team, "case": case}
