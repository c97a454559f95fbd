"""The inquiry services refuse organization B's inquiries, cases, customers, properties,
rules, categories, teams, addresses, mailboxes and received e-mails when working for A, called
directly; lists of ids leave B's alone. One parametrised test per service module."""

from __future__ import annotations

from cases.services.cases import CaseData
from cases.services.deviations import DeviationData
from inquiries.email.pipeline import inbound_retry
from inquiries.models import Channel
from inquiries.services.convert import inquiry_convert, inquiry_convert_many
from inquiries.services.deviation import inquiry_create_deviation
from inquiries.services.email_link import inquiry_link_to_case
from inquiries.services.email_settings import (
    imap_mailbox_delete,
    imap_mailbox_save,
    receiving_address_delete,
    receiving_address_make_primary,
)
from inquiries.services.intake import inquiry_receive, inquiry_register
from inquiries.services.lifecycle import inquiry_delete_many, inquiry_restore_many
from inquiries.services.rules import bulk_category_set, intake_rule_update
from tests.tenancy.services_support import (  # noqa: F401 - world_a, world_b: fixtures
    Guard,
    admin,
    assert_refused,
    guards,
    worker,
    world_a,
    world_b,
)


def _receive(a, **fields):
    a["intake_rule"]  # A's rule of the channel exists (it is made on first use, a write)
    return inquiry_receive, {
        "org": a.org,
        "channel": Channel.WEB_FORM,
        "sender_email": "someone@example.net",
        "message": "The lift is stuck.",
        **fields,
    }


@guards(
    Guard("receive: customer", lambda a, b: _receive(a, customer=b["customer"])),
    Guard("receive: property", lambda a, b: _receive(a, property=b["property"])),
    Guard(
        "register: property",
        lambda a, b: (
            inquiry_register,
            {"org": a.org, "actor": admin(a), "message": "Phone call", "property": b["property"]},
        ),
    ),
)
def test_intake_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


def _link(a, inquiry, case):
    return inquiry_link_to_case, {"org": a.org, "actor": admin(a), "inquiry": inquiry, "case": case}


@guards(
    Guard("link: inquiry", lambda a, b: _link(a, b["inquiry"], a["case"])),
    Guard("link: case", lambda a, b: _link(a, a["inquiry"], b["case"])),
)
def test_email_link_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


def _call(function, a, **fields):
    return function, {"org": a.org, "actor": admin(a), **fields}


@guards(
    Guard(
        "make primary: address",
        lambda a, b: _call(receiving_address_make_primary, a, address=b["address"]),
    ),
    Guard("delete: address", lambda a, b: _call(receiving_address_delete, a, address=b["address"])),
    Guard(
        "save: mailbox",
        lambda a, b: _call(imap_mailbox_save, a, mailbox=b["mailbox"], host="imap.evil.example"),
    ),
    Guard("delete: mailbox", lambda a, b: _call(imap_mailbox_delete, a, mailbox=b["mailbox"])),
)
def test_email_settings_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


def _convert(a, inquiry, **case_fields):
    return inquiry_convert, {
        "org": a.org,
        "actor": admin(a),
        "inquiry": inquiry,
        "case_data": CaseData(title="From an inquiry", **case_fields),
    }


@guards(
    Guard("convert: inquiry", lambda a, b: _convert(a, b["inquiry"])),
    Guard("convert: customer", lambda a, b: _convert(a, a["inquiry"], customer=b["customer"])),
    Guard("convert: team", lambda a, b: _convert(a, a["inquiry"], teams=[b["team"]])),
    Guard(
        "convert many: their inquiries are ignored",
        lambda a, b: _call(inquiry_convert_many, a, inquiries=[b["inquiry"]]),
        refusal=None,
    ),
)
def test_convert_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


def _rule(a, rule, **fields):
    return intake_rule_update, {"org": a.org, "actor": admin(a), "rule": rule, **fields}


@guards(
    Guard("rule", lambda a, b: _rule(a, b["intake_rule"], deadline_days=3)),
    Guard("category", lambda a, b: _rule(a, a["intake_rule"], category=b["category"])),
    Guard("teams", lambda a, b: _rule(a, a["intake_rule"], teams=[b["team"]])),
    Guard(
        "assignees",
        lambda a, b: _rule(a, a["intake_rule"], assignees=[worker(b)]),
        "Cases can only be given to staff of this organization.",
    ),
    Guard(
        "bulk category",
        lambda a, b: _call(bulk_category_set, a, category=b["category"]),
    ),
)
def test_rules_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


def _deleted(world):
    inquiry_delete_many(
        org=world.org, actor=admin(world), inquiries=[world["inquiry"]], reason="Spam"
    )
    return world["inquiry"]


@guards(
    Guard(
        "delete: their inquiries are ignored",
        lambda a, b: _call(inquiry_delete_many, a, inquiries=[b["inquiry"]], reason="Spam"),
        refusal=None,
    ),
    Guard(
        "restore: their inquiries are ignored",
        lambda a, b: _call(inquiry_restore_many, a, inquiries=[_deleted(b)]),
        refusal=None,
    ),
)
def test_lifecycle_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


@guards(Guard("retry: email", lambda a, b: _call(inbound_retry, a, email=b["email"])))
def test_email_pipeline_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


@guards(
    Guard(
        "deviation from inquiry: inquiry",
        lambda a, b: _call(
            inquiry_create_deviation, a, inquiry=b["inquiry"], data=DeviationData(title="Loose")
        ),
    ),
)
def test_deviation_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)
