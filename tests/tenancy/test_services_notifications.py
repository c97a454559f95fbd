"""The notification services refuse organization B's saved replies, outbox messages and
suppliers when working for A, called directly; B's notifications are left alone. One
parametrised test per service module."""

from __future__ import annotations

from notifications.models import Notification
from notifications.outbox.delivery import message_retry
from notifications.saved_replies import saved_reply_delete, saved_reply_save
from notifications.services import notification_create_many, notification_mark_read
from notifications.staff import supplier_email
from tests.tenancy.services_support import (  # noqa: F401 - world_a, world_b: fixtures
    Guard,
    admin,
    assert_refused,
    guards,
    world_a,
    world_b,
)


def _call(function, a, **fields):
    return function, {"org": a.org, "actor": admin(a), **fields}


@guards(
    Guard(
        "save: saved reply",
        lambda a, b: _call(
            saved_reply_save, a, saved_reply=b["saved_reply"], title="Taken", body="Over"
        ),
    ),
    Guard(
        "delete: saved reply",
        lambda a, b: _call(saved_reply_delete, a, saved_reply=b["saved_reply"]),
    ),
)
def test_saved_replies_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


@guards(Guard("retry: message", lambda a, b: _call(message_retry, a, message=b["message"])))
def test_outbox_delivery_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


@guards(
    Guard(
        "supplier e-mail: supplier",
        lambda a, b: _call(supplier_email, a, supplier=b["supplier"], values={}),
        "supplier of another organization",
        ValueError,
    ),
)
def test_staff_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


def _mark_read(a, b, *, every: bool):
    """A notification of B's whose recipient is A's admin too (a member of both), then A's
    "mark read" for that id, or for everything."""
    theirs = notification_create_many(
        org=b.org, actor=None, recipients=[admin(a)], kind=Notification.Kind.OTHER, text="B's"
    )[0]
    ids = None if every else [theirs.pk]
    return notification_mark_read, {"org": a.org, "user": admin(a), "ids": ids}


@guards(
    Guard(
        "mark read: their notifications are ignored",
        lambda a, b: _mark_read(a, b, every=False),
        refusal=None,
    ),
    Guard(
        "mark all read: their notifications are ignored",
        lambda a, b: _mark_read(a, b, every=True),
        refusal=None,
    ),
)
def test_notifications_module_leaves_another_organizations_rows_alone(guard, a, b):
    assert_refused(guard, a, b)
