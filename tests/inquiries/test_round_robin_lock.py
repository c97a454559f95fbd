"""Concurrent intakes queue on the rule's row lock, so the rotation never repeats a person."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from inquiries.models import Channel
from inquiries.services.intake import inquiry_receive
from inquiries.services.rules import assignees_take, intake_rules_locked, rotation_save
from organizations.tenancy import organization_scope
from tests.inquiries.conftest import set_rule
from tests.markers import ROW_LOCKS, postgresql_only


@pytest.mark.django_db(transaction=True)
@postgresql_only(ROW_LOCKS)
def test_an_intake_waits_for_a_rotation_in_progress_and_takes_the_next_person(tenant, staff):
    set_rule(tenant.org, Channel.API, create_case_immediately=True, assignees=staff[:2])
    locked, release = threading.Event(), threading.Event()
    taken: list = []
    received: dict = {}

    def rotation_in_progress():
        try:
            with organization_scope(tenant.org), transaction.atomic():
                rules = intake_rules_locked(tenant.org, ["external"])
                taken.extend(assignees_take(rules["external"], 1))
                rotation_save(rules.values())
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    def intake():
        try:
            with organization_scope(tenant.org):  # as the API request it stands for
                received["case"] = inquiry_receive(
                    org=tenant.org, channel=Channel.API, sender_email="a@example.net", message="Hi"
                ).case
        finally:
            connection.close()

    holder = threading.Thread(target=rotation_in_progress)
    holder.start()
    assert locked.wait(10)
    waiter = threading.Thread(target=intake)
    waiter.start()
    waiter.join(1.0)
    blocked = waiter.is_alive()
    release.set()
    holder.join(10)
    waiter.join(10)

    assert blocked, "the second intake must wait for the rule's lock"
    assert taken == [staff[0]]
    assert received["case"].assignee == staff[1]
