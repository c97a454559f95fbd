"""The portal's services refuse organization B's customers, resident accounts, cases,
inquiry forms, categories, homes and sign-in links when working for A, called directly. One
parametrised test per service module."""

from __future__ import annotations

from portal.inquiry.selectors import default_form
from portal.inquiry.services import (
    inquiry_form_move,
    inquiry_form_save,
    inquiry_form_set_active,
    portal_inquiry_submit,
)
from portal.services.accounts import (
    account_invite,
    account_language_set,
    link_use,
    password_set,
    profile_update,
)
from portal.services.messages import resident_message_send
from tests.tenancy.services_support import (  # noqa: F401 - world_a, world_b: fixtures
    Guard,
    admin,
    assert_refused,
    guards,
    world_a,
    world_b,
)


@guards(
    Guard(
        "invite: customer",
        lambda a, b: (account_invite, {"org": a.org, "actor": admin(a), "customer": b["customer"]}),
    ),
    Guard(
        "password: account",
        lambda a, b: (
            password_set,
            {"org": a.org, "account": b["resident"], "password": "", "repeat": ""},
        ),
    ),
    Guard(
        "profile: account",
        lambda a, b: (
            profile_update,
            {
                "org": a.org,
                "account": b["resident"],
                "name": "Taken over",
                "phone": "",
                "address": "",
                "postcode": "",
                "city": "",
                "language": "",
                "notify_by": "email",
            },
        ),
    ),
    Guard(
        "language: account",
        lambda a, b: (
            account_language_set,
            {"org": a.org, "account": b["resident"], "language": "sv"},
        ),
    ),
    # B's link at A's resident pages: not spent, nobody signed in.
    Guard(
        "link: their token",
        lambda a, b: (link_use, {"org": a.org, "raw": b.values["link_token"]}),
        refusal=None,
    ),
)
def test_accounts_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


def _message(a, account, case):
    return resident_message_send, {"org": a.org, "account": account, "case": case, "text": "Hi"}


@guards(
    Guard("send: case", lambda a, b: _message(a, a["resident"], b["case"])),
    Guard("send: account", lambda a, b: _message(a, b["resident"], a["case"])),
    Guard("send: account and case", lambda a, b: _message(a, b["resident"], b["case"])),
)
def test_messages_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


def _form(a, **fields):
    return inquiry_form_save, {
        "org": a.org,
        "actor": admin(a),
        "name": "Leaks",
        "fields": default_form(a.org).fields,
        **fields,
    }


def _submit(a, resident, inquiry_form, **values):
    return portal_inquiry_submit, {
        "org": a.org,
        "resident": resident,
        "inquiry_form": inquiry_form,
        "values": {"message": "The tap drips.", **values},
        "files": [],
    }


@guards(
    Guard("save: form", lambda a, b: _form(a, inquiry_form=b["inquiry_form"])),
    Guard("save: category", lambda a, b: _form(a, category=b["category"])),
    Guard(
        "set active: form",
        lambda a, b: (
            inquiry_form_set_active,
            {"org": a.org, "actor": admin(a), "inquiry_form": b["inquiry_form"], "active": False},
        ),
    ),
    Guard(
        "move: form",
        lambda a, b: (
            inquiry_form_move,
            {"org": a.org, "actor": admin(a), "inquiry_form": b["inquiry_form"], "up": True},
        ),
    ),
    Guard("submit: resident", lambda a, b: _submit(a, b["resident"], a["inquiry_form"])),
    Guard("submit: form", lambda a, b: _submit(a, a["resident"], b["inquiry_form"])),
    Guard(
        "submit: home",
        lambda a, b: _submit(a, a["resident"], a["inquiry_form"], property=b["property"]),
    ),
)
def test_inquiry_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)
