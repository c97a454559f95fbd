"""Merging two cases of the same customer: everything moves to the survivor, the merged case
is closed, points there and redirects there; replies to it land there; outsiders get 404."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseTag,
    CaseTeam,
    Note,
    NoteMention,
    NotificationRequest,
    Task,
    TimeEntry,
)
from cases.services.inbound import case_message_receive
from cases.services.merge import case_merge, merge_preview
from cases.services.messages import Outgoing, case_message_send
from cases.services.notes import note_add
from cases.services.tags import case_tag_add
from cases.services.tasks import task_add
from cases.services.time import time_entry_add
from notifications.models import OutboundMessage
from organizations.models_audit import AuditEvent
from tests.cases.detail_support import case_url, png_upload
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import TeamFactory


@pytest.fixture
def customer(tenant):
    return CustomerFactory(organization=tenant.org, name="Kari Nordmann")


@pytest.fixture
def pair(tenant, customer):
    """Two cases of the same customer: the one to merge (full of work) and the survivor."""
    actor = tenant.caseworker
    team = TeamFactory(organization=tenant.org, name="Drift")
    merged = make_case(tenant.org, actor, title="Lekkasje bad", customer=customer, teams=[team])
    survivor = make_case(tenant.org, actor, title="Lekkasje kjøkken", customer=customer)
    note = note_add(
        org=tenant.org, actor=actor, case=merged, body="Ring før besøk", uploads=[png_upload()]
    )
    NoteMention.objects.create(organization=tenant.org, note=note, user=tenant.admin)
    task_add(org=tenant.org, actor=actor, case=merged, title="Befaring", assignee=tenant.admin)
    time_entry_add(org=tenant.org, actor=actor, case=merged, minutes=30)
    case_tag_add(org=tenant.org, actor=actor, case=merged, name="vann")
    case_message_send(
        org=tenant.org,
        actor=actor,
        case=merged,
        kind=OutboundMessage.Kind.REPLY,
        message=Outgoing(text="Vi kommer tirsdag.", email=customer.email),
    )
    return merged, survivor


def _counts(case: Case) -> dict[str, int]:
    return {
        "events": CaseEvent.objects.filter(case=case).count(),
        "notes": Note.objects.filter(case=case).count(),
        "tasks": Task.objects.filter(case=case).count(),
        "attachments": Attachment.objects.filter(case=case).count(),
        "time": TimeEntry.objects.filter(case=case).count(),
        "tags": CaseTag.objects.filter(case=case).count(),
        "teams": CaseTeam.objects.filter(case=case).count(),
        "requests": NotificationRequest.objects.filter(case=case).count(),
    }


# --- Service ----------------------------------------------------------------------------------


def test_merge_moves_everything_and_loses_nothing(tenant, pair):
    merged, survivor = pair
    before_merged, before_survivor = _counts(merged), _counts(survivor)
    assert before_merged["notes"] == 1 and before_merged["attachments"] == 1

    case_merge(org=tenant.org, actor=tenant.caseworker, merged=merged, survivor=survivor)

    after = _counts(survivor)
    for key in ("notes", "tasks", "attachments", "time", "tags", "teams", "requests"):
        assert after[key] == before_merged[key] + before_survivor[key], key
    # Every event moved, plus one "merged" entry on the survivor.
    assert after["events"] == before_merged["events"] + before_survivor["events"] + 1
    left = _counts(merged)
    assert left["notes"] == left["tasks"] == left["attachments"] == left["tags"] == 0
    merged.refresh_from_db()
    assert merged.merged_into_id == survivor.pk
    assert merged.status == Case.Status.CLOSED
    # The merged case's own history now: closed and merged (the rest moved).
    kinds = set(CaseEvent.objects.filter(case=merged).values_list("kind", flat=True))
    assert kinds == {CaseEvent.Kind.STATUS, CaseEvent.Kind.MERGED}
    # The mention still points at the note, now on the survivor.
    assert NoteMention.objects.get().note.case_id == survivor.pk


def test_merge_writes_history_and_audit_on_both_cases(tenant, pair):
    merged, survivor = pair
    case_merge(org=tenant.org, actor=tenant.caseworker, merged=merged, survivor=survivor)
    on_survivor = CaseEvent.objects.get(case=survivor, kind=CaseEvent.Kind.MERGED)
    on_merged = CaseEvent.objects.get(case=merged, kind=CaseEvent.Kind.MERGED)
    assert on_survivor.data["other"] == merged.number
    assert on_survivor.data["moved"]["notes"] == 1
    assert on_merged.data == {"direction": "into", "other": survivor.number}
    audited = AuditEvent.objects.filter(action="merged").values_list("object_id", flat=True)
    assert sorted(audited) == sorted([merged.pk, survivor.pk])


def test_merge_refuses_another_customer_itself_and_merged_cases(tenant, pair):
    merged, survivor = pair
    stranger = make_case(
        tenant.org, tenant.caseworker, customer=CustomerFactory(organization=tenant.org)
    )
    with pytest.raises(ValidationError, match="same customer"):
        case_merge(org=tenant.org, actor=tenant.caseworker, merged=merged, survivor=stranger)
    with pytest.raises(ValidationError, match="itself"):
        case_merge(org=tenant.org, actor=tenant.caseworker, merged=merged, survivor=merged)
    case_merge(org=tenant.org, actor=tenant.caseworker, merged=merged, survivor=survivor)
    third = make_case(tenant.org, tenant.caseworker, customer=survivor.customer)
    with pytest.raises(ValidationError, match="merged into another"):
        case_merge(org=tenant.org, actor=tenant.caseworker, merged=third, survivor=merged)
    with pytest.raises(ValidationError, match="already merged"):
        case_merge(org=tenant.org, actor=tenant.caseworker, merged=merged, survivor=third)


def test_merge_refuses_cases_without_a_customer(tenant):
    a = make_case(tenant.org, tenant.caseworker)
    b = make_case(tenant.org, tenant.caseworker)
    with pytest.raises(ValidationError, match="same customer"):
        case_merge(org=tenant.org, actor=tenant.caseworker, merged=a, survivor=b)


def test_merge_refuses_another_organizations_cases(tenant, other_tenant, pair):
    merged, _survivor = pair
    foreign = make_case(other_tenant.org, other_tenant.caseworker)
    with pytest.raises(ValidationError, match="another organization"):
        case_merge(org=tenant.org, actor=tenant.caseworker, merged=merged, survivor=foreign)
    with pytest.raises(ValidationError, match="another organization"):
        merge_preview(org=other_tenant.org, merged=merged, survivor=foreign)


def test_preview_counts_what_moves(tenant, pair):
    merged, survivor = pair
    preview = merge_preview(org=tenant.org, merged=merged, survivor=survivor)
    moves = dict(preview.moves)
    assert moves["note"] == 1 and moves["task"] == 1 and moves["tag"] == 1
    assert preview.open_tasks == 1
    # A preview writes nothing.
    assert Case.objects.get(pk=merged.pk).merged_into_id is None


def test_merge_reopens_a_closed_survivor_when_open_work_arrives(tenant, customer):
    merged = make_case(tenant.org, tenant.caseworker, customer=customer)
    survivor = make_case(tenant.org, tenant.caseworker, customer=customer)
    Case.objects.filter(pk=survivor.pk).update(status=Case.Status.RESOLVED)
    survivor.refresh_from_db()
    case_merge(org=tenant.org, actor=tenant.caseworker, merged=merged, survivor=survivor)
    survivor.refresh_from_db()
    assert survivor.status == Case.Status.IN_PROGRESS


def test_earlier_merges_point_to_the_new_survivor(tenant, customer):
    first, second, third = (
        make_case(tenant.org, tenant.caseworker, customer=customer) for _ in range(3)
    )
    case_merge(org=tenant.org, actor=tenant.caseworker, merged=first, survivor=second)
    case_merge(org=tenant.org, actor=tenant.caseworker, merged=second, survivor=third)
    first.refresh_from_db()
    assert first.merged_into_id == third.pk


def test_a_reply_to_the_merged_case_lands_on_the_survivor(tenant, pair):
    merged, survivor = pair
    case_merge(org=tenant.org, actor=tenant.caseworker, merged=merged, survivor=survivor)
    event = case_message_receive(
        org=tenant.org,
        case=merged,
        inbound_email_id=None,
        sender=survivor.customer.email,
        subject=f"Re: [#{merged.number}] Lekkasje bad",
        text="Tirsdag passer fint.",
    )
    assert event.case_id == survivor.pk
    # The threading key (our outbox row on a MESSAGE_OUT event) moved with the history.
    out = CaseEvent.objects.get(kind=CaseEvent.Kind.MESSAGE_OUT)
    assert out.case_id == survivor.pk


# --- Pages ------------------------------------------------------------------------------------


def test_merge_page_lists_the_customers_other_cases(staff_client, pair):
    merged, survivor = pair
    response = staff_client.get(case_url(merged, "merge/"))
    assert response.status_code == 200
    assert f"#{survivor.number}" in response.content.decode()


def test_merge_preview_then_confirm_redirects_to_the_survivor(staff_client, pair):
    merged, survivor = pair
    preview = staff_client.get(case_url(merged, "merge/"), {"into": survivor.number})
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "What moves" in body and "1 note<" in body
    assert Case.objects.get(pk=merged.pk).merged_into_id is None

    response = staff_client.post(case_url(merged, "merge/"), {"into": str(survivor.number)})
    assert response.status_code == 302
    assert response["Location"] == case_url(survivor)
    assert Case.objects.get(pk=merged.pk).merged_into_id == survivor.pk


def test_merged_case_page_redirects_to_the_survivor(tenant, staff_client, pair):
    merged, survivor = pair
    case_merge(org=tenant.org, actor=tenant.caseworker, merged=merged, survivor=survivor)
    response = staff_client.get(case_url(merged))
    assert response.status_code == 302
    assert response["Location"] == case_url(survivor)
    page = staff_client.get(case_url(survivor))
    assert f"merged case #{merged.number} into this case" in page.content.decode()


@pytest.mark.parametrize("into", ["abc", "999999", "-1", "1" * 40])
def test_bad_target_is_a_clear_error(staff_client, pair, into):
    merged, _survivor = pair
    response = staff_client.post(case_url(merged, "merge/"), {"into": into})
    assert response.status_code == 400
    assert "No case has that number." in response.content.decode()


def test_merging_into_another_customers_case_is_refused_on_the_page(tenant, staff_client, pair):
    merged, _survivor = pair
    other = make_case(
        tenant.org, tenant.caseworker, customer=CustomerFactory(organization=tenant.org)
    )
    response = staff_client.post(case_url(merged, "merge/"), {"into": str(other.number)})
    assert response.status_code == 400
    assert "Only cases of the same customer can be merged." in response.content.decode()
    assert Case.objects.get(pk=merged.pk).merged_into_id is None


def test_supplier_user_may_not_merge(tenant, pair):
    merged, survivor = pair
    client = tenant.client_for(tenant.supplier)
    assert client.get(case_url(merged, "merge/")).status_code == 403


def test_outsider_gets_404_on_merge(outsider_client, pair):
    merged, survivor = pair
    assert outsider_client.get(case_url(merged, "merge/")).status_code == 404
    response = outsider_client.post(case_url(merged, "merge/"), {"into": str(survivor.number)})
    assert response.status_code == 404
    assert Case.objects.get(pk=merged.pk).merged_into_id is None


def test_outsider_cannot_merge_into_their_own_case(other_tenant, staff_client, pair):
    """A number is looked up in the caseworker's own organization only."""
    merged, _survivor = pair
    foreign = make_case(other_tenant.org, other_tenant.caseworker, title="Fremmed")
    foreign_number = foreign.number + 1000
    Case.objects.filter(pk=foreign.pk).update(number=foreign_number)
    response = staff_client.post(case_url(merged, "merge/"), {"into": str(foreign_number)})
    assert response.status_code == 400
    assert Case.objects.get(pk=merged.pk).merged_into_id is None


def test_deadline_survives_merge_untouched(tenant, customer):
    deadline = datetime.date.today() + datetime.timedelta(days=7)
    merged = make_case(tenant.org, tenant.caseworker, customer=customer)
    survivor = make_case(tenant.org, tenant.caseworker, customer=customer, deadline=deadline)
    case_merge(org=tenant.org, actor=tenant.caseworker, merged=merged, survivor=survivor)
    survivor.refresh_from_db()
    assert survivor.deadline == deadline


def test_what_the_resident_saw_stays_visible_on_the_survivor(tenant, customer):
    merged = make_case(tenant.org, tenant.caseworker, customer=customer, visible_to_customer=True)
    survivor = make_case(tenant.org, tenant.caseworker, customer=customer)
    case_merge(org=tenant.org, actor=tenant.caseworker, merged=merged, survivor=survivor)
    survivor.refresh_from_db()
    assert survivor.visible_to_customer
