"""The clocks stand still while a case waits and while it is resolved; they resume when it
leaves waiting or is reopened (by a caseworker, or by the customer's reply). The first reply to
the customer stops the first-response clock."""

from __future__ import annotations

import datetime

import pytest

from cases.models import Case, CaseEvent
from cases.services.cases import case_change, case_reopen
from cases.services.inbound import case_message_receive
from cases.services.messages import Outgoing, case_message_send
from cases.services.service_levels import SlaState, case_sla_state
from notifications.models import OutboundMessage
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory
from tests.service_levels.conftest import oslo

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(tenant, clock, normal_policy):
    """Opened Monday 4 March 2024 09:00: first response due 13:00, resolution Wednesday 09:00."""
    customer = CustomerFactory(organization=tenant.org, email="kari@example.net")
    case = make_case(tenant.org, tenant.caseworker, customer=customer)
    assert (case.first_response_due, case.resolution_due) == (
        oslo(2024, 3, 4, 13),
        oslo(2024, 3, 6, 9),
    )
    return case


def fresh(case: Case) -> Case:
    case.refresh_from_db()
    return case


def test_waiting_stops_the_clock_and_leaving_it_moves_the_due_times_by_the_business_time_waited(
    tenant, clock, case
):
    clock.set(2024, 3, 4, 10)
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status="waiting")
    case = fresh(case)
    assert case.sla_paused_at == oslo(2024, 3, 4, 10)
    assert case_sla_state(case, oslo(2024, 3, 8, 12)) == SlaState.PAUSED  # days later: paused
    assert case.sla_next_due is None and case.sla_next_escalation is None

    clock.set(2024, 3, 5, 10)  # a day later: Monday 10–16 and Tuesday 08–10, 8 business hours
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status="in_progress")

    case = fresh(case)
    assert case.sla_paused == datetime.timedelta(hours=8)
    assert case.sla_paused_at is None
    assert case.first_response_due == oslo(2024, 3, 5, 13)  # 13:00 + 8 h
    assert case.resolution_due == oslo(2024, 3, 7, 9)  # Wednesday 09:00 + 8 h
    assert case_sla_state(case, clock.now) == SlaState.ON_TRACK


def test_a_weekend_of_waiting_costs_nothing(tenant, clock, case):
    clock.set(2024, 3, 8, 16)  # Friday at closing
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status="waiting")
    clock.set(2024, 3, 11, 8)  # Monday at opening
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status="in_progress")

    assert fresh(case).sla_paused == datetime.timedelta(0)


def test_reopening_a_resolved_case_resumes_the_resolution_clock(tenant, clock, case):
    clock.set(2024, 3, 4, 11)
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status="resolved")
    case = fresh(case)
    assert case_sla_state(case, clock.now) is None  # nothing runs while resolved
    assert case.resolution_due == oslo(2024, 3, 6, 9)

    clock.set(2024, 3, 5, 11)  # 8 business hours later
    case_reopen(org=tenant.org, actor=tenant.caseworker, case=case)

    case = fresh(case)
    assert case.status == Case.Status.IN_PROGRESS
    assert case.resolution_due == oslo(2024, 3, 7, 9)
    assert case.sla_next_due == oslo(2024, 3, 5, 13)  # the unanswered first response, moved too


def test_a_customer_reply_that_reopens_a_closed_case_resumes_it_too(tenant, clock, case):
    clock.set(2024, 3, 4, 11)
    case_change(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        status="closed",
        resolution="Fixed the tap.",
    )
    clock.set(2024, 3, 5, 11)

    case_message_receive(
        org=tenant.org, case=case, inbound_email_id=None, sender="kari@example.net", text="Leaks"
    )

    case = fresh(case)
    assert case.is_open
    assert case.resolution_due == oslo(2024, 3, 7, 9)
    assert case.sla_paused == datetime.timedelta(hours=8)


def test_a_case_that_ran_late_stays_late_however_long_it_waits(tenant, clock, case):
    clock.set(2024, 3, 4, 14)  # first response was due at 13:00
    assert case_sla_state(fresh(case), clock.now) == SlaState.BREACHED
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status="waiting")
    clock.set(2024, 3, 12, 14)
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status="in_progress")

    assert case_sla_state(fresh(case), clock.now) == SlaState.BREACHED


def test_the_first_reply_stops_the_first_response_clock(tenant, clock, case):
    clock.set(2024, 3, 4, 12)

    case_message_send(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        kind=OutboundMessage.Kind.REPLY,
        message=Outgoing(text="We are on it.", email="kari@example.net"),
    )

    case = fresh(case)
    assert case.first_response_at == oslo(2024, 3, 4, 12)
    assert case.first_response_due == oslo(2024, 3, 4, 13)  # kept for the record
    # Only the resolution clock runs now.
    assert case.sla_next_due == case.resolution_due
    assert case.sla_next_escalation == case.resolution_risk_at
    # Waiting later does not move the answered clock.
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status="waiting")
    clock.set(2024, 3, 5, 12)
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status="in_progress")
    assert fresh(case).first_response_due == oslo(2024, 3, 4, 13)


def test_changing_the_priority_while_waiting_keeps_the_clock_still(tenant, clock, case):
    from tests.factories.service_levels import ServiceLevelPolicyFactory

    ServiceLevelPolicyFactory(
        organization=tenant.org, name="High", priority="high", resolution_minutes=8 * 60
    )
    clock.set(2024, 3, 4, 10)
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status="waiting")
    clock.set(2024, 3, 4, 15)

    case_change(org=tenant.org, actor=tenant.caseworker, case=case, priority="high")

    case = fresh(case)
    assert case_sla_state(case, clock.now) == SlaState.PAUSED
    assert case.sla_paused_at == oslo(2024, 3, 4, 10)
    assert CaseEvent.objects.filter(case=case, field="service_level").exists()
    clock.set(2024, 3, 5, 10)  # 8 business hours of waiting
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status="in_progress")
    assert fresh(case).resolution_due == oslo(2024, 3, 6, 9)  # 09:00 + 8 h + 8 h waited
