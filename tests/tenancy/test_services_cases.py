"""Every service of cases/services/ refuses organization B's objects when working for A, called
directly (the forms' querysets would refuse first and hide a missing guard). One parametrised
test per service module."""

from __future__ import annotations

from cases.models import Case
from cases.services.attachments import attachments_add
from cases.services.bulk import cases_bulk_change
from cases.services.cases import CaseData, case_change, case_close, case_create_many, case_reopen
from cases.services.deviations import (
    DeviationData,
    deviation_close,
    deviation_create,
    deviation_files_add,
    deviation_reopen,
    deviation_status_change,
    deviation_update,
)
from cases.services.inbound import case_message_receive
from cases.services.manual import case_create_manual
from cases.services.merge import case_merge, merge_preview
from cases.services.messages import Outgoing, case_message_retry, case_message_send
from cases.services.notes import note_add
from cases.services.service_level_policies import (
    service_level_policy_delete,
    service_level_policy_save,
)
from cases.services.tags import case_tag_add, case_tag_remove
from cases.services.tasks import task_add, task_complete, task_reopen
from cases.services.time import time_entry_add
from notifications.models import OutboundMessage
from tests.tenancy.services_support import (  # noqa: F401 - world_a, world_b: fixtures
    Guard,
    admin,
    assert_refused,
    guards,
    worker,
    world_a,
    world_b,
)
from tests.tenancy.world import png_upload

STAFF_ONLY = "Cases can only be given to staff of this organization."


def _create(a, b, **fields):
    item = CaseData(title="Cracked window", **fields)
    return case_create_many, {"org": a.org, "actor": admin(a), "items": [item]}


def _change(a, b, case=None, **changes):
    return case_change, {"org": a.org, "actor": admin(a), "case": case or a["case"], **changes}


def _closed(world):
    case_close(org=world.org, actor=admin(world), case=world["case"], resolution="Fixed")
    world["case"].refresh_from_db()
    return world["case"]


@guards(
    Guard("create: category", lambda a, b: _create(a, b, category=b["category"])),
    Guard("create: customer", lambda a, b: _create(a, b, customer=b["customer"])),
    Guard("create: property", lambda a, b: _create(a, b, property=b["property"])),
    Guard("create: supplier", lambda a, b: _create(a, b, supplier=b["supplier"])),
    Guard("create: containers", lambda a, b: _create(a, b, containers=[b["container"]])),
    Guard("create: teams", lambda a, b: _create(a, b, teams=[b["team"]])),
    Guard("create: assignee", lambda a, b: _create(a, b, assignee=worker(b)), STAFF_ONLY),
    Guard("change: case", lambda a, b: _change(a, b, b["case"], title="Taken over")),
    Guard("change: category", lambda a, b: _change(a, b, category=b["category"])),
    Guard("change: supplier", lambda a, b: _change(a, b, supplier=b["supplier"])),
    Guard("change: customer", lambda a, b: _change(a, b, customer=b["customer"])),
    Guard("change: property", lambda a, b: _change(a, b, property=b["property"])),
    Guard("change: teams", lambda a, b: _change(a, b, teams=[b["team"]])),
    Guard("change: containers", lambda a, b: _change(a, b, containers=[b["container"]])),
    Guard("change: assignee", lambda a, b: _change(a, b, assignee=worker(b)), STAFF_ONLY),
    Guard(
        "close: case",
        lambda a, b: (
            case_close,
            {"org": a.org, "actor": admin(a), "case": b["case"], "resolution": "Done"},
        ),
    ),
    Guard(
        "reopen: case",
        lambda a, b: (case_reopen, {"org": a.org, "actor": admin(a), "case": _closed(b)}),
    ),
    Guard(
        "manual: customer",
        lambda a, b: (
            case_create_manual,
            {"org": a.org, "actor": admin(a), "title": "Phone call", "customer": b["customer"]},
        ),
    ),
)
def test_cases_module_refuses_another_organizations_objects(guard, a, b):
    """cases/services/cases.py (and manual.py on top of it), including `_validate` of
    case_create_many and `_change_set` of case_change."""
    assert_refused(guard, a, b)


def _task_add(a, b, case=None, **fields):
    return task_add, {
        "org": a.org,
        "actor": admin(a),
        "case": case or a["case"],
        "title": "Clean the gutter",
        **fields,
    }


def _done(world):
    task = world["task"]
    task_complete(org=world.org, actor=admin(world), task=task)
    task.refresh_from_db()
    return task


@guards(
    Guard("add: case", lambda a, b: _task_add(a, b, b["case"])),
    Guard(
        "add: deviation",
        lambda a, b: (
            task_add,
            {"org": a.org, "actor": admin(a), "deviation": b["deviation"], "title": "Fix it"},
        ),
    ),
    Guard(
        "add: supplier",
        lambda a, b: _task_add(a, b, supplier=b["supplier"]),
        "Choose an active supplier of this organization.",
    ),
    Guard(
        "add: assignee",
        lambda a, b: _task_add(a, b, assignee=worker(b)),
        "Tasks can only be given to staff of this organization.",
    ),
    Guard(
        "complete: task",
        lambda a, b: (task_complete, {"org": a.org, "actor": admin(a), "task": b["task"]}),
    ),
    Guard(
        "reopen: task",
        lambda a, b: (task_reopen, {"org": a.org, "actor": admin(a), "task": _done(b)}),
    ),
)
def test_tasks_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


def _tag_remove(a, case, tag):
    return case_tag_remove, {"org": a.org, "actor": admin(a), "case": case, "tag": tag}


@guards(
    Guard(
        "add: case",
        lambda a, b: (
            case_tag_add,
            {"org": a.org, "actor": admin(a), "case": b["case"], "name": "hijacked"},
        ),
    ),
    Guard("remove: case", lambda a, b: _tag_remove(a, b["case"], b["tag"])),
    Guard("remove: tag on own case", lambda a, b: _tag_remove(a, a["case"], b["tag"])),
    Guard("remove: own tag on their case", lambda a, b: _tag_remove(a, b["case"], a["tag"])),
)
def test_tags_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


@guards(
    Guard(
        "add: case",
        lambda a, b: (
            note_add,
            {"org": a.org, "actor": admin(a), "case": b["case"], "body": "Spying"},
        ),
    ),
)
def test_notes_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


def _time(a, case, **fields):
    return time_entry_add, {"org": a.org, "actor": admin(a), "case": case, "minutes": 30, **fields}


@guards(
    Guard("add: case", lambda a, b: _time(a, b["case"])),
    Guard(
        "add: user",
        lambda a, b: _time(a, a["case"], user=worker(b)),
        "Time can only be logged for staff of this organization.",
    ),
)
def test_time_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


@guards(
    Guard(
        "add: case",
        lambda a, b: (
            attachments_add,
            {"org": a.org, "actor": admin(a), "case": b["case"], "uploads": [png_upload()]},
        ),
    ),
)
def test_attachments_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


def _send(a, case, attachments=()):
    message = Outgoing(text="Hello", email="someone@example.net", attachments=attachments)
    return case_message_send, {
        "org": a.org,
        "actor": admin(a),
        "case": case,
        "kind": "reply",
        "message": message,
    }


def _retry(a, case, message):
    return case_message_retry, {
        "org": a.org,
        "actor": admin(a),
        "case": case,
        "outbound_message_id": message.pk,
    }


@guards(
    Guard("send: case", lambda a, b: _send(a, b["case"])),
    Guard(
        "send: attachment",
        lambda a, b: _send(a, a["case"], [b["attachment"]]),
        "Choose files that belong to this case.",
    ),
    # "Send again" answers as for a message that does not exist (the view's 404).
    Guard(
        "retry: message on own case",
        lambda a, b: _retry(a, a["case"], b["message"]),
        "",
        OutboundMessage.DoesNotExist,
    ),
    Guard(
        "retry: message and case",
        lambda a, b: _retry(a, b["case"], b["message"]),
        "",
        OutboundMessage.DoesNotExist,
    ),
)
def test_messages_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


@guards(
    Guard(
        "receive: case",
        lambda a, b: (
            case_message_receive,
            {
                "org": a.org,
                "case": b["case"],
                "inbound_email_id": None,
                "sender": "someone@example.net",
                "text": "Hello",
            },
        ),
    ),
)
def test_inbound_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


def _bulk(a, **fields):
    return cases_bulk_change, {"org": a.org, "actor": admin(a), **fields}


@guards(
    Guard(
        "their case ids are ignored",
        lambda a, b: _bulk(a, case_ids=[b["case"].pk], status=Case.Status.WAITING),
        refusal=None,
    ),
    Guard(
        "tag",
        lambda a, b: _bulk(a, case_ids=[a["case"].pk], add_tag=b["tag"]),
    ),
    Guard(
        "assignee",
        lambda a, b: _bulk(a, case_ids=[a["case"].pk], assignee=worker(b)),
        STAFF_ONLY,
    ),
)
def test_bulk_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


def _deviation(function, a, deviation, **fields):
    return function, {"org": a.org, "actor": admin(a), "deviation": deviation, **fields}


def _register(a, b, case=None, **fields):
    return deviation_create, {
        "org": a.org,
        "actor": admin(a),
        "data": DeviationData(title="Broken step", **fields),
        "case": case,
    }


def _closed_deviation(world):
    deviation_close(
        org=world.org, actor=admin(world), deviation=world["deviation"], corrective_action="Done"
    )
    world["deviation"].refresh_from_db()
    return world["deviation"]


@guards(
    Guard("create: property", lambda a, b: _register(a, b, property=b["property"])),
    Guard("create: case", lambda a, b: _register(a, b, case=b["case"])),
    Guard(
        "create: responsible",
        lambda a, b: _register(a, b, responsible=worker(b)),
        "Choose a staff member of this organization.",
    ),
    Guard(
        "update: deviation",
        lambda a, b: _deviation(
            deviation_update, a, b["deviation"], data=DeviationData(title="Taken over")
        ),
    ),
    Guard(
        "update: property",
        lambda a, b: _deviation(
            deviation_update,
            a,
            a["deviation"],
            data=DeviationData(title="Moved", property=b["property"]),
        ),
    ),
    Guard(
        "status: deviation",
        lambda a, b: _deviation(deviation_status_change, a, b["deviation"], status="in_treatment"),
    ),
    Guard(
        "close: deviation",
        lambda a, b: _deviation(deviation_close, a, b["deviation"], corrective_action="Done"),
    ),
    Guard("reopen: deviation", lambda a, b: _deviation(deviation_reopen, a, _closed_deviation(b))),
    Guard(
        "files: deviation",
        lambda a, b: _deviation(deviation_files_add, a, b["deviation"], uploads=[png_upload()]),
    ),
)
def test_deviations_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


def _policy(a, **fields):
    return service_level_policy_save, {
        "org": a.org,
        "actor": admin(a),
        "name": "Platinum",
        "first_response_minutes": 30,
        **fields,
    }


@guards(
    Guard("save: policy", lambda a, b: _policy(a, policy=b["service_level_policy"])),
    Guard("save: category", lambda a, b: _policy(a, category=b["category"])),
    Guard("save: customer", lambda a, b: _policy(a, customer=b["customer"])),
    Guard(
        "delete: policy",
        lambda a, b: (
            service_level_policy_delete,
            {"org": a.org, "actor": admin(a), "policy": b["service_level_policy"]},
        ),
    ),
)
def test_service_level_policies_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)


@guards(
    Guard(
        "merge: their case into ours",
        lambda a, b: (
            case_merge,
            {"org": a.org, "actor": admin(a), "merged": b["case"], "survivor": a["case"]},
        ),
    ),
    Guard(
        "merge: ours into their case",
        lambda a, b: (
            case_merge,
            {"org": a.org, "actor": admin(a), "merged": a["case"], "survivor": b["case"]},
        ),
    ),
    Guard(
        "preview: their case",
        lambda a, b: (merge_preview, {"org": a.org, "merged": a["case"], "survivor": b["case"]}),
    ),
)
def test_merge_module_refuses_another_organizations_objects(guard, a, b):
    assert_refused(guard, a, b)
