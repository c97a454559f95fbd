"""Which policy applies to a case, its due times on creation (by hand, in bulk, from
inquiries), and their recomputation — with a history entry — when the priority, category or
customer changes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseEvent, Category, ServiceLevelPolicy
from cases.services.bulk import cases_bulk_change
from cases.services.cases import case_change
from cases.services.service_level_policies import (
    service_level_policy_delete,
    service_level_policy_save,
)
from cases.templatetags.case_timeline import event_summary
from inquiries.services.convert import inquiry_convert_many
from organizations.models_audit import AuditEvent
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory
from tests.factories.service_levels import ServiceLevelPolicyFactory
from tests.inquiries.conftest import bulk_inquiries
from tests.service_levels.conftest import oslo

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(tenant):
    from cases.services.categories import category_ensure_defaults

    category_ensure_defaults(tenant.org)
    return Category.objects.get(organization=tenant.org, key="fault_report")


def test_a_new_case_gets_the_policy_and_due_times_in_business_hours(tenant, clock, normal_policy):
    clock.set(2024, 3, 8, 14)  # Friday 14:00

    case = make_case(tenant.org, tenant.caseworker)

    case.refresh_from_db()
    assert case.service_level_policy == normal_policy
    assert (case.sla_first_response_minutes, case.sla_resolution_minutes) == (240, 960)
    # 4 h: Friday 14–16, Monday 08–10. 16 h: Friday 2 h, Monday 8 h, Tuesday 6 h.
    assert case.first_response_due == oslo(2024, 3, 11, 10)
    assert case.resolution_due == oslo(2024, 3, 12, 14)
    assert case.sla_next_due == case.first_response_due
    # 80 % of 4 h = 3 h 12 min: Friday 2 h, Monday 1 h 12 min.
    assert case.first_response_risk_at == oslo(2024, 3, 11, 9, 12)
    assert case.sla_next_escalation == case.first_response_risk_at


def test_without_a_matching_policy_a_case_has_no_due_times(tenant, clock, normal_policy):
    case = make_case(tenant.org, tenant.caseworker, priority="low")

    case.refresh_from_db()
    assert case.service_level_policy is None
    assert case.first_response_due is None and case.resolution_due is None
    assert case.sla_next_due is None and case.sla_next_escalation is None


def test_the_most_specific_policy_wins(tenant, clock, office, category):
    kari = CustomerFactory(organization=tenant.org)
    ola = CustomerFactory(organization=tenant.org)
    any_priority = ServiceLevelPolicyFactory(organization=tenant.org, priority="")
    normal = ServiceLevelPolicyFactory(organization=tenant.org)
    faults = ServiceLevelPolicyFactory(organization=tenant.org, category=category)
    kari_any = ServiceLevelPolicyFactory(
        organization=tenant.org, priority="", customer=kari, first_response_minutes=30
    )

    def policy_of(**fields):
        return make_case(tenant.org, tenant.caseworker, **fields).service_level_policy

    assert policy_of(priority="low") == any_priority
    assert policy_of(priority="normal") == normal
    assert policy_of(priority="normal", category=category) == faults
    assert policy_of(priority="normal", category=category, customer=ola) == faults
    # A customer's policy beats one for the category, even one for the case's priority.
    assert policy_of(priority="normal", category=category, customer=kari) == kari_any


def test_changing_the_priority_recomputes_and_says_so_in_the_history(tenant, clock, normal_policy):
    ServiceLevelPolicyFactory(
        organization=tenant.org,
        name="Urgent",
        priority="critical",
        first_response_minutes=60,
        resolution_minutes=4 * 60,
    )
    case = make_case(tenant.org, tenant.caseworker)  # Monday 09:00
    clock.advance(minutes=30)

    events = case_change(org=tenant.org, actor=tenant.caseworker, case=case, priority="critical")

    case.refresh_from_db()
    assert case.service_level_policy.name == "Urgent"
    assert case.first_response_due == oslo(2024, 3, 4, 10)
    assert case.resolution_due == oslo(2024, 3, 4, 13)
    recomputed = CaseEvent.objects.get(case=case, field="service_level")
    assert recomputed in events
    assert (recomputed.old_value, recomputed.new_value) == ("Normal", "Urgent")
    data = {k: datetime.datetime.fromisoformat(v) for k, v in recomputed.data.items()}
    assert data["old_resolution_due"] == oslo(2024, 3, 6, 9)
    assert data["resolution_due"] == oslo(2024, 3, 4, 13)
    text = str(event_summary(recomputed))
    assert "applied the service level" in text and "Urgent" in text


def test_changing_category_or_customer_recomputes_too(tenant, clock, normal_policy, category):
    kari = CustomerFactory(organization=tenant.org)
    ServiceLevelPolicyFactory(
        organization=tenant.org, name="Faults", category=category, first_response_minutes=120
    )
    ServiceLevelPolicyFactory(
        organization=tenant.org, name="Kari", customer=kari, first_response_minutes=60
    )
    case = make_case(tenant.org, tenant.caseworker)

    case_change(org=tenant.org, actor=tenant.caseworker, case=case, category=category)
    case.refresh_from_db()
    assert case.first_response_due == oslo(2024, 3, 4, 11)

    case_change(org=tenant.org, actor=tenant.caseworker, case=case, customer=kari)
    case.refresh_from_db()
    assert case.first_response_due == oslo(2024, 3, 4, 10)
    assert list(
        CaseEvent.objects.filter(case=case, field="service_level")
        .order_by("id")
        .values_list("new_value", flat=True)
    ) == ["Faults", "Kari"]


def test_a_change_that_keeps_the_policy_writes_no_service_level_entry(
    tenant, clock, normal_policy, category
):
    case = make_case(tenant.org, tenant.caseworker)
    due = case.resolution_due

    case_change(org=tenant.org, actor=tenant.caseworker, case=case, category=category)

    case.refresh_from_db()
    assert case.resolution_due == due
    assert not CaseEvent.objects.filter(case=case, field="service_level").exists()


def test_no_policy_any_more_removes_the_due_times(tenant, clock, normal_policy):
    case = make_case(tenant.org, tenant.caseworker)

    case_change(org=tenant.org, actor=tenant.caseworker, case=case, priority="low")

    case.refresh_from_db()
    assert case.service_level_policy is None
    assert case.first_response_due is None and case.sla_next_due is None
    event = CaseEvent.objects.get(case=case, field="service_level")
    assert "removed the service level" in str(event_summary(event))


def test_editing_or_deleting_a_policy_leaves_existing_cases_as_they_were(
    tenant, clock, normal_policy
):
    case = make_case(tenant.org, tenant.caseworker)
    due = case.resolution_due

    service_level_policy_save(
        org=tenant.org,
        actor=tenant.admin,
        policy=normal_policy,
        name="Normal",
        priority="normal",
        first_response_minutes=60,
        resolution_minutes=120,
    )
    case.refresh_from_db()
    assert case.resolution_due == due
    assert make_case(tenant.org).resolution_due == oslo(2024, 3, 4, 11)  # new cases: 2 h

    service_level_policy_delete(org=tenant.org, actor=tenant.admin, policy=normal_policy)
    case.refresh_from_db()
    assert case.service_level_policy is None
    assert case.resolution_due == due and case.sla_resolution_minutes == 960


def test_bulk_priority_change_recomputes_every_case_in_a_fixed_number_of_queries(
    tenant, clock, normal_policy
):
    ServiceLevelPolicyFactory(
        organization=tenant.org, name="High", priority="high", first_response_minutes=60
    )
    counts = []
    for count in (1, 20):
        cases = [make_case(tenant.org, tenant.caseworker) for _ in range(count)]
        with CaptureQueriesContext(connection) as queries:
            result = cases_bulk_change(
                org=tenant.org,
                actor=tenant.caseworker,
                case_ids=[c.pk for c in cases],
                priority="high",
            )
        counts.append(len(queries))
        assert result.changed == count
        assert {
            c.first_response_due for c in Case.objects.filter(pk__in=[c.pk for c in cases])
        } == {oslo(2024, 3, 4, 10)}
        assert CaseEvent.objects.filter(case__in=cases, field="service_level").count() == count
    assert counts[0] == counts[1]
    updates = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1  # one UPDATE for all cases, due times included


def test_bulk_status_change_pauses_every_case(tenant, clock, normal_policy):
    cases = [make_case(tenant.org, tenant.caseworker) for _ in range(3)]
    clock.advance(hours=1)

    cases_bulk_change(
        org=tenant.org, actor=tenant.caseworker, case_ids=[c.pk for c in cases], status="waiting"
    )

    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("sla_paused_at", flat=True)
    ) == {oslo(2024, 3, 4, 10)}


def test_cases_converted_from_inquiries_get_due_times(tenant, clock, normal_policy):
    inquiries = bulk_inquiries(tenant.org, 3)

    cases = inquiry_convert_many(org=tenant.org, actor=tenant.caseworker, inquiries=inquiries)

    assert {
        (c.service_level_policy_id, c.first_response_due)
        for c in Case.objects.filter(pk__in=[c.pk for c in cases])
    } == {(normal_policy.pk, oslo(2024, 3, 4, 13))}


# --- the policy services ----------------------------------------------------------------------


def test_policy_service_refuses_another_organizations_objects(tenant, other_tenant, office):
    theirs = ServiceLevelPolicyFactory(organization=other_tenant.org)
    their_category = Category.objects.create(organization=other_tenant.org, name="X")
    their_customer = CustomerFactory(organization=other_tenant.org)
    message = "That belongs to another organization."

    for kwargs in (
        {"policy": theirs},
        {"category": their_category},
        {"customer": their_customer},
    ):
        with pytest.raises(ValidationError, match=message):
            service_level_policy_save(
                org=tenant.org,
                actor=tenant.admin,
                name="Mine",
                first_response_minutes=60,
                **kwargs,
            )
    with pytest.raises(ValidationError, match=message):
        service_level_policy_delete(org=tenant.org, actor=tenant.admin, policy=theirs)
    assert ServiceLevelPolicy.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "  "}, "name"),
        ({"first_response_minutes": None, "resolution_minutes": None}, "first_response_minutes"),
        ({"first_response_minutes": 0}, "first_response_minutes"),
        ({"resolution_minutes": 10**7}, "resolution_minutes"),
        ({"first_response_minutes": 600, "resolution_minutes": 60}, "resolution_minutes"),
        ({"risk_percent": 100}, "risk_percent"),
        ({"priority": "urgent"}, "priority"),
    ],
)
def test_policy_service_refuses_bad_values(tenant, values, field):
    data = {"name": "Fine", "priority": "normal", "first_response_minutes": 60, **values}

    with pytest.raises(ValidationError) as refused:
        service_level_policy_save(org=tenant.org, actor=tenant.admin, **data)

    assert field in refused.value.message_dict


def test_one_policy_per_priority_category_and_customer(tenant, normal_policy):
    with pytest.raises(ValidationError, match="already covers"):
        service_level_policy_save(
            org=tenant.org,
            actor=tenant.admin,
            name="Other",
            priority="normal",
            first_response_minutes=30,
        )
    with pytest.raises(ValidationError, match="has this name"):
        service_level_policy_save(
            org=tenant.org,
            actor=tenant.admin,
            name="NORMAL",
            priority="high",
            first_response_minutes=30,
        )


def test_policy_writes_are_audited(tenant):
    policy = service_level_policy_save(
        org=tenant.org,
        actor=tenant.admin,
        name="Gold",
        priority="high",
        first_response_minutes=30,
    )
    service_level_policy_save(
        org=tenant.org,
        actor=tenant.admin,
        policy=policy,
        name="Gold",
        priority="high",
        first_response_minutes=45,
    )
    service_level_policy_delete(org=tenant.org, actor=tenant.admin, policy=policy)

    events = list(
        AuditEvent.objects.filter(organization=tenant.org, module="settings").order_by("id")
    )
    assert [e.action for e in events] == ["created", "changed", "deleted"]
    assert events[1].changes == {"first_response_minutes": ["30", "45"]}
    assert all(e.actor == tenant.admin and e.object_label == "Gold" for e in events)
