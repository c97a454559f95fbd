"""cases.services: every history entry of a case also is an audit event with the same old and
new values (module "cases"), also on the bulk paths, with one insert for all of them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseEvent
from cases.services.bulk import cases_bulk_change
from cases.services.cases import case_change
from cases.services.notes import note_add
from cases.services.tags import case_tag_add
from cases.services.tasks import task_add, task_complete, task_reopen
from cases.services.time import time_entry_add
from tests.audit.support import audit_inserts, events_of, last_event
from tests.factories.cases import make_case

pytestmark = pytest.mark.django_db


def test_creating_a_case_records_created(tenant):
    case = make_case(tenant.org, tenant.caseworker, title="Leak")
    event = last_event(case, "created")
    assert (event.module, event.actor, event.object_label) == (
        "cases",
        tenant.caseworker,
        str(case),
    )


def test_each_changed_field_has_the_same_old_and_new_as_the_history(tenant):
    case = make_case(tenant.org, tenant.caseworker, title="Leak")
    case_change(
        org=tenant.org,
        actor=tenant.admin,
        case=case,
        status=Case.Status.WAITING,
        title="Leak in the roof",
        assignee=tenant.caseworker,
        visible_to_customer=True,
    )
    changes = {}
    for event in events_of(case, "changed"):
        assert event.actor == tenant.admin
        changes.update(event.changes)
    assert changes == {
        "status": ["New", "Waiting"],  # the history's values "new"/"waiting", by their label
        "title": ["Leak", "Leak in the roof"],
        "assignee": ["", str(tenant.caseworker)],
        "visible_to_customer": ["No", "Yes"],
    }
    history = CaseEvent.objects.get(case=case, field="title")
    assert [history.old_value, history.new_value] == changes["title"]


def test_an_api_change_names_the_key(tenant):
    case = make_case(tenant.org, None)
    case_change(
        org=tenant.org,
        actor=None,
        case=case,
        priority=Case.Priority.HIGH,
        event_data={"api_key": "abcd1234"},
    )
    event = last_event(case, "changed")
    assert event.actor is None and "abcd1234" in event.actor_label


def test_notes_tags_and_time(tenant):
    case = make_case(tenant.org, tenant.caseworker)
    note_add(org=tenant.org, actor=tenant.caseworker, case=case, body="Called the plumber")
    case_tag_add(org=tenant.org, actor=tenant.caseworker, case=case, name="roof")
    time_entry_add(org=tenant.org, actor=tenant.caseworker, case=case, minutes=45)
    assert last_event(case, "note_added").actor == tenant.caseworker
    assert last_event(case, "changed").changes == {"tags": ["", "roof"]}
    assert last_event(case, "time_logged").changes == {"minutes": ["", "45"]}


def test_bulk_change_writes_all_audit_events_in_one_insert(tenant):
    cases = [make_case(tenant.org, tenant.caseworker) for _ in range(5)]
    with CaptureQueriesContext(connection) as ctx:
        result = cases_bulk_change(
            org=tenant.org,
            actor=tenant.admin,
            case_ids=[c.pk for c in cases],
            priority=Case.Priority.HIGH,
        )
    assert result.changed == 5
    assert audit_inserts(ctx) == 1
    for case in cases:
        assert last_event(case, "changed").changes == {"priority": ["Normal", "High"]}


def test_tasks_added_completed_and_reopened(tenant):
    case = make_case(tenant.org, tenant.caseworker)
    task = task_add(org=tenant.org, actor=tenant.caseworker, case=case, title="Call the plumber")
    task_complete(org=tenant.org, actor=tenant.caseworker, task=task, note="Came on Monday")
    task_reopen(org=tenant.org, actor=tenant.admin, task=task)
    assert last_event(case, "task_added").changes == {"task": ["", "Call the plumber"]}
    assert last_event(case, "task_done").changes == {
        "task": ["Call the plumber", "Call the plumber"],
        "completion_note": ["", "Came on Monday"],
    }
    reopened = last_event(case, "changed")
    assert reopened.actor == tenant.admin
    assert reopened.changes == {"task_status": ["Done", "Open"]}
