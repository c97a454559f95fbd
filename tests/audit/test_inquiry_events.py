"""inquiries.services: receiving, registering, converting, deleting and restoring inquiries
record their events; intake rules and the bulk case type are settings events."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Category
from cases.services.categories import category_ensure_defaults
from inquiries.models import Channel, Inquiry
from inquiries.services.convert import inquiry_convert_many
from inquiries.services.intake import inquiries_receive_many, inquiry_receive, inquiry_register
from inquiries.services.lifecycle import inquiry_delete_many, inquiry_restore_many
from inquiries.services.rules import bulk_category_set, intake_rule_for, intake_rule_update
from organizations.models_audit import AuditEvent
from tests.audit.support import audit_inserts, events_of, last_event

pytestmark = pytest.mark.django_db


def _receive(org, n: int = 1) -> Inquiry:
    return inquiry_receive(
        org=org,
        channel=Channel.WEB_FORM,
        sender_name=f"Kari Kunde {n}",
        sender_email=f"kari{n}@example.net",
        subject=f"Dripping tap {n}",
        message="The kitchen tap drips.",
    )


def test_a_received_inquiry_is_created_by_its_sender(tenant):
    inquiry = _receive(tenant.org)
    event = last_event(inquiry, "created")
    assert event.module == "inquiries"
    assert event.actor is None and event.actor_label == "Kari Kunde 1"
    assert event.changes["subject"] == ["", "Dripping tap 1"]
    assert event.changes["channel"] == ["", "Web form"]


def test_a_registered_phone_inquiry_is_created_by_the_member(tenant):
    inquiry = inquiry_register(
        org=tenant.org, actor=tenant.caseworker, sender_name="Ola", message="Broken window"
    )
    event = last_event(inquiry, "created")
    assert event.actor == tenant.caseworker


def test_inquiries_received_in_bulk_each_get_their_event_in_one_insert(tenant):
    items = [{"sender_email": f"s{n}@example.net", "subject": f"S{n}"} for n in range(5)]
    with CaptureQueriesContext(connection) as ctx:
        rows = inquiries_receive_many(org=tenant.org, channel=Channel.EMAIL, items=items)
    assert audit_inserts(ctx) == 1
    assert {tuple(events_of(row, "created")[0].changes["subject"]) for row in rows} == {
        ("", f"S{n}") for n in range(5)
    }


def test_converting_in_bulk_names_each_case(tenant):
    category_ensure_defaults(tenant.org)
    first, second = _receive(tenant.org, 1), _receive(tenant.org, 2)
    with CaptureQueriesContext(connection) as ctx:
        cases = inquiry_convert_many(
            org=tenant.org, actor=tenant.caseworker, inquiries=[first, second]
        )
    # the cases' "created" events, then the inquiries' "converted" ones with the new
    # customers' "created": one insert each
    assert audit_inserts(ctx) == 2
    for inquiry, case in zip([first, second], cases, strict=True):
        event = last_event(inquiry, "converted")
        assert event.actor == tenant.caseworker
        assert event.changes == {
            "status": ["New", "Converted to case"],
            "case": ["", str(case)],
        }
        # ...and the case itself has its "created" event in the cases module
        assert last_event(Case.objects.get(pk=case.pk), "created").module == "cases"
        # ...and so has the customer the intake rule made of the sender (same insert)
        made = last_event(case.customer, "created")
        assert (made.module, made.actor) == ("customers", tenant.caseworker)
        assert made.changes["email"] == ["", inquiry.sender_email]


def test_delete_and_restore(tenant, other_tenant):
    inquiry = _receive(tenant.org)
    foreign = _receive(other_tenant.org, 9)
    deleted = inquiry_delete_many(
        org=tenant.org, actor=tenant.admin, inquiries=[inquiry, foreign], reason="Spam"
    )
    assert deleted == 1
    event = last_event(inquiry, "deleted")
    assert event.changes == {"status": ["New", "Deleted"], "reason": ["", "Spam"]}
    assert events_of(foreign, "deleted") == []  # another organization's id is ignored

    inquiry_restore_many(org=tenant.org, actor=tenant.admin, inquiries=[inquiry])
    assert last_event(inquiry, "restored").changes == {"status": ["Deleted", "New"]}


def test_intake_rule_and_bulk_case_type_changes_are_settings_events(tenant):
    category_ensure_defaults(tenant.org)
    rule = intake_rule_for(tenant.org, Channel.WEB_FORM)
    intake_rule_update(
        org=tenant.org,
        actor=tenant.admin,
        rule=rule,
        assignees=[tenant.caseworker],
        send_confirmation=not rule.send_confirmation,
    )
    event = last_event(rule, "changed")
    assert event.module == "settings"
    assert event.changes["assignees"] == ["", str(tenant.caseworker)]
    assert "send_confirmation" in event.changes

    question = Category.objects.get(organization=tenant.org, key="question")
    bulk_category_set(org=tenant.org, actor=tenant.admin, category=question)
    assert last_event(question, "changed").changes == {"is_bulk_default": ["No", "Yes"]}
    assert AuditEvent.objects.filter(organization=tenant.org, module="settings").count() == 2
